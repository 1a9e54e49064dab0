import { describe, expect, it } from 'vitest';
import { nextThen } from './next-then.js';

const onResult = (result: IteratorResult<number>) => (result.done ? 'done' : `got ${result.value}`);
const onError = (error: unknown) => `failed: ${(error as Error).message}`;

describe('nextThen', () => {
  it('hands each result to onResult', async () => {
    const iterator = [1][Symbol.iterator]();
    const source: AsyncIterator<number> = { next: () => Promise.resolve(iterator.next()) };
    expect(await nextThen(source, onResult, onError)).toBe('got 1');
    expect(await nextThen(source, onResult, onError)).toBe('done');
  });

  it('hands a rejection and a synchronous throw alike to onError', async () => {
    const rejecting: AsyncIterator<number> = { next: () => Promise.reject(new Error('reset')) };
    const throwing: AsyncIterator<number> = {
      next: () => {
        throw new Error('broken');
      },
    };
    expect(await nextThen(rejecting, onResult, onError)).toBe('failed: reset');
    expect(await nextThen(throwing, onResult, onError)).toBe('failed: broken');
  });

  it('rejects when onError rethrows', async () => {
    const throwing: AsyncIterator<number> = {
      next: () => {
        throw new Error('broken');
      },
    };
    const rethrow = (error: unknown) => Promise.reject(error);
    await expect(nextThen(throwing, onResult, rethrow)).rejects.toThrow('broken');
  });
});
