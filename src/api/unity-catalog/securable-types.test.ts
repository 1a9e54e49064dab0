// The securable_type path segment, and the fallback from `table` to `view` that must never reveal a view
// to someone who cannot see it.

import { describe, expect, it } from 'vitest';
import { notFoundError } from '../../catalog/index.js';
import { LakegateError } from '../../core/index.js';
import { asTableOrView, parseSecurableType, wireSecurableType } from './securable-types.js';

describe('parseSecurableType', () => {
  it('accepts UC and Lakegate names, registered_model as model', () => {
    expect(parseSecurableType('registered_model')).toBe('model');
    expect(parseSecurableType('serving_endpoint')).toBe('serving_endpoint');
    expect(wireSecurableType('model')).toBe('registered_model');
    for (const bad of ['TABLE', 'tables', '', '__proto__', 'constructor']) {
      expect(() => parseSecurableType(bad), bad).toThrow(/not a securable type/);
    }
  });
});

describe('asTableOrView', () => {
  it('tries a view only when the table is not found, and reports the table when neither is', async () => {
    const tried: string[] = [];
    const view = await asTableOrView('table', async (type) => {
      tried.push(type);
      if (type === 'table') throw notFoundError('table', 'c.s.v');
      return 'the view';
    });
    expect(view).toBe('the view');
    expect(tried).toEqual(['table', 'view']);

    const neither = asTableOrView('table', async (type) => {
      throw notFoundError(type, 'c.s.x');
    });
    await expect(neither).rejects.toMatchObject({ message: expect.stringMatching(/^Table 'c\.s\.x'/) });
  });

  it('passes other errors and other types through untouched', async () => {
    const denied = new LakegateError('AUTH_PERMISSION_DENIED', 'no');
    const tried: string[] = [];
    await expect(
      asTableOrView('table', async (type) => {
        tried.push(type);
        throw denied;
      }),
    ).rejects.toBe(denied);
    await expect(
      asTableOrView('volume', async (type) => {
        tried.push(type);
        throw notFoundError('volume', 'c.s.v');
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A principal that does not exist is NOT_FOUND too, but not the table's: no second try.
    await expect(
      asTableOrView('table', async (type) => {
        tried.push(type);
        throw new LakegateError('NOT_FOUND', "Principal 'x' does not exist.");
      }),
    ).rejects.toMatchObject({ message: "Principal 'x' does not exist." });
    expect(tried).toEqual(['table', 'volume', 'table']);
  });

  it('reports what the view answered when the view exists but the call fails', async () => {
    const invalid = new LakegateError('VALIDATION_FAILED', 'bad column');
    await expect(
      asTableOrView('table', async (type) => {
        if (type === 'table') throw notFoundError('table', 'c.s.v');
        throw invalid;
      }),
    ).rejects.toBe(invalid);
  });
});
