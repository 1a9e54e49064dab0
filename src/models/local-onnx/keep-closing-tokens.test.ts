import { describe, expect, it } from 'vitest';
import { closingIds, keepClosingTokens } from './keep-closing-tokens.js';

describe('closingIds', () => {
  it('finds what the tokenizer appends after the text', () => {
    expect(closingIds([101, 7, 8, 102], [7, 8])).toEqual([102]);
    expect(closingIds([0, 7, 8, 2, 2], [7, 8])).toEqual([2, 2]);
    expect(closingIds([7, 8], [7, 8])).toEqual([]);
    expect(closingIds([101, 5, 102], [7])).toEqual([]);
    expect(closingIds([101, 102], [])).toEqual([]);
  });
});

describe('keepClosingTokens', () => {
  it('puts [SEP] back at the end of rows that reached the limit, right or left padded', () => {
    // Row 1 was cut at 4 (its [SEP] lost), row 2 is short and padded on the right.
    const ids = BigInt64Array.of(101n, 5n, 6n, 7n, 101n, 5n, 102n, 0n);
    const mask = BigInt64Array.of(1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n);
    keepClosingTokens(ids, mask, 4, 4, [102]);
    expect(Array.from(ids)).toEqual([101n, 5n, 6n, 102n, 101n, 5n, 102n, 0n]);

    const left = BigInt64Array.of(0n, 101n, 5n, 102n, 101n, 5n, 6n, 7n);
    const leftMask = BigInt64Array.of(0n, 1n, 1n, 1n, 1n, 1n, 1n, 1n);
    keepClosingTokens(left, leftMask, 4, 4, [102]);
    expect(Array.from(left)).toEqual([0n, 101n, 5n, 102n, 101n, 5n, 6n, 102n]);
  });

  it('leaves a batch shorter than the limit, or a tokenizer without closing ids, alone', () => {
    const ids = BigInt64Array.of(101n, 5n, 6n);
    keepClosingTokens(ids, BigInt64Array.of(1n, 1n, 1n), 3, 4, [102]);
    keepClosingTokens(ids, BigInt64Array.of(1n, 1n, 1n), 3, 3, []);
    expect(Array.from(ids)).toEqual([101n, 5n, 6n]);
  });
});
