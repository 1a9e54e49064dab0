import { describe, expect, it } from 'vitest';
import type { Decision } from '../model.js';
import { DecisionCache } from './decision-cache.js';

const ALLOW: Decision = { allowed: true, reason: 'grant' };
const DENY: Decision = { allowed: false, reason: 'no-privilege' };

describe('DecisionCache', () => {
  it('forgets everything when the generation moves', () => {
    const cache = new DecisionCache(10);
    cache.sync(1);
    cache.set(1, 'a', ALLOW);
    expect(cache.get('a')).toEqual(ALLOW);
    cache.sync(1);
    expect(cache.get('a')).toEqual(ALLOW);
    cache.sync(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not keep a decision computed at an older generation than the one it now holds', () => {
    const cache = new DecisionCache(10);
    cache.sync(1);
    // A slow call read generation 1; meanwhile another call saw generation 2.
    cache.sync(2);
    cache.set(1, 'a', ALLOW);
    expect(cache.get('a')).toBeUndefined();
  });

  it('evicts the least recently used entry when full', () => {
    const cache = new DecisionCache(2);
    cache.sync(1);
    cache.set(1, 'a', ALLOW);
    cache.set(1, 'b', DENY);
    expect(cache.get('a')).toEqual(ALLOW); // a is now the most recent
    cache.set(1, 'c', ALLOW);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(ALLOW);
    expect(cache.get('c')).toEqual(ALLOW);
    expect(cache.size).toBe(2);
  });

  it('keeps nothing with size 0', () => {
    const cache = new DecisionCache(0);
    cache.sync(1);
    cache.set(1, 'a', ALLOW);
    expect(cache.get('a')).toBeUndefined();
  });
});
