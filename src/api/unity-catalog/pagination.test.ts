// Pages: every item exactly once, in code-unit order whatever the store's collation, and tokens that
// are either ours or refused.

import { describe, expect, it } from 'vitest';
import { pagedList, pageRequest, paginate } from './pagination.js';

const request = (query: string) => pageRequest(new URLSearchParams(query));

describe('pagination', () => {
  it('walks every item once, in code-unit order, with an opaque token', () => {
    const names = ['b', 'a_1', 'A', 'a', 'a.b', 'é', 'Z', 'a-1'];
    const seen: string[] = [];
    let query = 'max_results=3';
    for (let pages = 0; pages < 10; pages++) {
      const page = paginate(names, (n) => n, request(query));
      seen.push(...page.items);
      if (!page.nextPageToken) break;
      expect(page.nextPageToken).toMatch(/^[A-Za-z0-9_-]+$/);
      query = `max_results=3&page_token=${page.nextPageToken}`;
    }
    expect(seen).toEqual([...names].sort());
    expect(new Set(seen).size).toBe(names.length);
  });

  it('has no token on the last page, even when it is exactly full', () => {
    expect(paginate(['a', 'b'], (n) => n, request('max_results=2'))).toEqual({ items: ['a', 'b'] });
    expect(paginate([], (n: string) => n, request(''))).toEqual({ items: [] });
  });

  it('defaults to 100 and refuses what is out of range or not a number', () => {
    const many = Array.from({ length: 150 }, (_, i) => String(i).padStart(3, '0'));
    expect(paginate(many, (n) => n, request('')).items).toHaveLength(100);
    for (const bad of [
      'max_results=0',
      'max_results=1001',
      'max_results=-1',
      'max_results=1e2',
      'max_results=2.5',
    ]) {
      expect(() => request(bad), bad).toThrow(/max_results/);
    }
  });

  it('refuses tokens it did not issue', () => {
    for (const bad of ['%%%', 'YR', 'a b', '=', 'x'.repeat(1501)]) {
      expect(() => request(`page_token=${encodeURIComponent(bad)}`), bad).toThrow(/page_token/);
    }
  });

  it('maps only the page to the wire', async () => {
    const mapped: string[] = [];
    const body = await pagedList(
      'things',
      ['c', 'a', 'b'],
      (n) => n,
      request('max_results=2'),
      (n) => {
        mapped.push(n);
        return { name: n };
      },
    );
    expect(body).toEqual({ things: [{ name: 'a' }, { name: 'b' }], next_page_token: expect.any(String) });
    expect(mapped).toEqual(['a', 'b']);
  });
});
