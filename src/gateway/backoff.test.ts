import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from '../core/index.js';
import { backoffDelayMs, sleep } from './backoff.js';

const policy: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 };
const JUST_BELOW_ONE = 1 - Number.EPSILON;

describe('backoffDelayMs', () => {
  it('draws a full-jitter delay in [0, ceiling): the draw scales the ceiling', () => {
    expect(backoffDelayMs(policy, 0, undefined, () => 0)).toBe(0);
    expect(backoffDelayMs(policy, 0, undefined, () => 0.5)).toBe(100);
    expect(backoffDelayMs(policy, 0, undefined, () => JUST_BELOW_ONE)).toBe(199);
  });

  it('the ceiling doubles with each retry and stops at maxDelayMs', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 20].map(
      (n) => backoffDelayMs(policy, n, undefined, () => 0.5) * 2,
    );
    expect(ceilings).toEqual([200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000]);
  });

  it('retry-after is a floor: it wins over a smaller jittered delay', () => {
    expect(backoffDelayMs(policy, 0, 50, () => 0)).toBe(50);
    expect(backoffDelayMs(policy, 0, 150, () => 0.5)).toBe(150);
  });

  it('retry-after does not shorten a larger jittered delay', () => {
    expect(backoffDelayMs(policy, 3, 50, () => 0.5)).toBe(800);
    expect(backoffDelayMs(policy, 0, 0, () => 0.5)).toBe(100);
  });

  it('retry-after is honoured even beyond maxDelayMs: the upstream knows when it will take us back', () => {
    expect(backoffDelayMs(policy, 0, 60_000, () => JUST_BELOW_ONE)).toBe(60_000);
  });

  it('a zero initial delay means immediate retries unless the upstream asks to wait', () => {
    const immediate: RetryPolicy = { attempts: 3, initialDelayMs: 0, maxDelayMs: 5_000 };
    expect(backoffDelayMs(immediate, 4, undefined, () => JUST_BELOW_ONE)).toBe(0);
    expect(backoffDelayMs(immediate, 4, 30, () => JUST_BELOW_ONE)).toBe(30);
  });

  it('spreads retries of many clients over the whole window', () => {
    // A deterministic sweep of draws: every delay lies in [0, ceiling) and they cover the range.
    const delays = Array.from({ length: 100 }, (_, i) => backoffDelayMs(policy, 2, undefined, () => i / 100));
    expect(Math.min(...delays)).toBe(0);
    expect(Math.max(...delays)).toBe(792);
    expect(new Set(delays).size).toBe(100);
  });
});

describe('sleep', () => {
  it('resolves after the delay', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it('rejects at once with the reason of an already aborted signal', async () => {
    const controller = new AbortController();
    const reason = new Error('client left');
    controller.abort(reason);
    await expect(sleep(60_000, controller.signal)).rejects.toBe(reason);
  });

  it('an abort while waiting rejects without waiting out the delay', async () => {
    const controller = new AbortController();
    const reason = new Error('client left');
    const waiting = sleep(60_000, controller.signal);
    controller.abort(reason);
    // If the timer were left to run, the test would exceed its timeout.
    await expect(waiting).rejects.toBe(reason);
  });

  it('a signal that never aborts does not keep the sleep from resolving', async () => {
    const controller = new AbortController();
    await expect(sleep(1, controller.signal)).resolves.toBeUndefined();
    controller.abort();
  });
});
