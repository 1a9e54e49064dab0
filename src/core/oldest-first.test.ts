import { describe, expect, it } from 'vitest';
import { OldestFirst } from './oldest-first.js';

describe('OldestFirst', () => {
  it('evicts in insertion order, a re-set key in its new place', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const order = new OldestFirst(map);
    order.evict();
    expect([...map.keys()]).toEqual(['b', 'c']);
    // An LRU touch: delete and set again moves b behind c.
    map.delete('b');
    map.set('b', 2);
    map.set('d', 4);
    order.evict();
    expect([...map.keys()]).toEqual(['b', 'd']);
    order.evict();
    order.evict();
    expect(map.size).toBe(0);
    order.evict();
    map.set('e', 5);
    map.set('f', 6);
    order.evict();
    expect([...map.keys()]).toEqual(['f']);
  });

  it('follows the map through clear() and through the table growing', () => {
    const map = new Map<number, number>();
    const order = new OldestFirst(map);
    for (let i = 0; i < 100; i++) map.set(i, i);
    for (let i = 0; i < 95; i++) order.evict();
    for (let i = 100; i < 1000; i++) map.set(i, i);
    order.evict();
    expect(map.has(95)).toBe(false);
    expect(map.has(96)).toBe(true);
    map.clear();
    map.set(5000, 0);
    map.set(5001, 0);
    order.evict();
    expect([...map.keys()]).toEqual([5001]);
  });

  it('keeps a bounded map to its newest entries under churn, as a fresh scan would', () => {
    const map = new Map<number, number>();
    const order = new OldestFirst(map);
    for (let i = 0; i < 20_000; i++) {
      map.set(i, i);
      if (i % 7 === 0 && map.has(i - 50)) {
        map.delete(i - 50);
        map.set(i - 50, i - 50);
      }
      while (map.size > 1000) order.evict();
    }
    const expected = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      expected.set(i, i);
      if (i % 7 === 0 && expected.has(i - 50)) {
        expected.delete(i - 50);
        expected.set(i - 50, i - 50);
      }
      while (expected.size > 1000) expected.delete(expected.keys().next().value as number);
    }
    expect([...map.keys()]).toEqual([...expected.keys()]);
  });
});
