import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/index.js';
import { estimateTokens, truncateToTokens } from './token-estimate.js';

describe('estimateTokens', () => {
  it('counts short words and punctuation as one token each', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('   \n\t ')).toBe(0);
    expect(estimateTokens('Hello, world!')).toBe(4);
    expect(estimateTokens('The cat sat.')).toBe(4);
  });

  it('splits long words into ~4-character pieces', () => {
    expect(estimateTokens('kitchen')).toBe(2);
    expect(estimateTokens('internationalization')).toBe(5);
    expect(estimateTokens('abcdef')).toBe(1);
  });

  it('counts punctuation runs in pairs and CJK characters one each', () => {
    expect(estimateTokens('...')).toBe(2);
    // '{"' a '":' 1 '}'
    expect(estimateTokens('{"a":1}')).toBe(5);
    expect(estimateTokens('日本語')).toBe(3);
    expect(estimateTokens('東京tower')).toBe(3);
  });

  it('grows with the text', () => {
    const sentence = 'Water damage from a burst pipe is covered up to the policy limit. ';
    expect(estimateTokens(sentence.repeat(10))).toBe(10 * estimateTokens(sentence));
  });
});

describe('truncateToTokens', () => {
  it('returns the whole text when it fits', () => {
    expect(truncateToTokens('Hello, world!', 4)).toBe('Hello, world!');
    expect(truncateToTokens('Hello, world!', 0)).toBe('');
  });

  it('cuts at token pieces, inside long words too', () => {
    expect(truncateToTokens('Hello, world!', 2)).toBe('Hello,');
    expect(truncateToTokens('internationalization rules', 2)).toBe('internat');
    expect(truncateToTokens('日本語です', 2)).toBe('日本');
  });

  it('never returns a prefix over the budget, and the longest one under it', () => {
    const text =
      'Claim C-1042: water damage (kitchen) — burst pipe; estimate $3,250.75... 東京 adjuster_notes pending.';
    const total = estimateTokens(text);
    for (let budget = 0; budget <= total; budget++) {
      const prefix = truncateToTokens(text, budget);
      expect(text.startsWith(prefix)).toBe(true);
      expect(estimateTokens(prefix)).toBeLessThanOrEqual(budget);
      if (budget > 0) expect(estimateTokens(prefix)).toBe(budget);
    }
  });

  it('does not split a surrogate pair', () => {
    const out = truncateToTokens('𝐀𝐁𝐂𝐃𝐄', 1);
    expect(out).toBe('𝐀𝐁');
  });
});

describe('estimateTokens: the character scanner counts exactly the regular-expression runs', () => {
  /** The definition the scanner implements: runs of word characters, runs of other non-space characters. */
  function byRegExp(text: string): number {
    let count = 0;
    for (const m of text.matchAll(/([\p{L}\p{M}\p{N}_]+)|[^\s\p{L}\p{M}\p{N}_]+/gu)) {
      const run = m[0];
      if (m[1] === undefined) count += Math.ceil(run.length / 2);
      else if (![...run].some((c) => /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/.test(c)))
        count += run.length <= 6 ? 1 : Math.ceil(run.length / 4);
      else {
        // A word mixing scripts: each CJK character alone, each non-CJK stretch as a word of its own.
        for (const stretch of run.split(/([\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef])/)) {
          if (stretch === '') continue;
          if (/^[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]$/.test(stretch)) count += 1;
          else count += stretch.length <= 6 ? 1 : Math.ceil(stretch.length / 4);
        }
      }
    }
    return count;
  }

  it('agrees on random texts of every kind of character', () => {
    const pieces = [
      'claim',
      'Überschwemmung',
      'naïve',
      'e\u0301',
      '2,500.75',
      'snake_case',
      ' ',
      '  ',
      '\n',
      '\t',
      '\u00a0',
      '\u3000',
      '\u2028',
      '...',
      '!?',
      '—',
      '“',
      '€',
      '😀',
      '👍🏽',
      '\ud800',
      '\udc00',
      '東京都',
      '한국어',
      'ｆｕｌｌ',
      '٣٤٥',
      'αβγ',
      '_',
      '-',
      'x'.repeat(13),
      '中文abc中',
    ];
    const next = seededRandom(11);
    for (let round = 0; round < 3000; round++) {
      let text = '';
      const length = Math.floor(next() * 12);
      for (let i = 0; i < length; i++) text += pieces[Math.floor(next() * pieces.length)];
      expect(estimateTokens(text), JSON.stringify(text)).toBe(byRegExp(text));
    }
  });
});
