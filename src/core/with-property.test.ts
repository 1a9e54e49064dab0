import { describe, expect, it } from 'vitest';
import { withProperty } from './with-property.js';

describe('withProperty', () => {
  it('copies the object with the property set, over one of the same name, leaving the original as it was', () => {
    const base = { modelId: 'old', messages: ['hi'], config: { maxTokens: 5 } };
    const copy = withProperty(base, 'modelId', 'provider/new');
    expect(copy).toEqual({ modelId: 'provider/new', messages: ['hi'], config: { maxTokens: 5 } });
    expect(base.modelId).toBe('old');
    expect(copy).not.toBe(base);
  });

  it('adds the property when the object has none', () => {
    const headers: Record<string, string> = { accept: 'application/json' };
    expect(withProperty(headers, 'x-client-request-id', 'r-1')).toEqual({
      accept: 'application/json',
      'x-client-request-id': 'r-1',
    });
    expect(headers).toEqual({ accept: 'application/json' });
  });
});
