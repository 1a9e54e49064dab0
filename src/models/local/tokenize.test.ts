import { describe, expect, it } from 'vitest';
import { contentTerms, STOP_WORDS, stem, wordTokens } from './tokenize.js';

describe('stem', () => {
  it('folds inflections of one word to one stem', () => {
    for (const group of [
      ['flood', 'floods', 'flooded', 'flooding'],
      ['damage', 'damages', 'damaged', 'damaging'],
      ['policy', 'policies'],
      ['claim', 'claims', 'claimed', 'claiming'],
      ['pipe', 'pipes'],
      ['run', 'running'],
      ['calculate', 'calculated', 'calculation'],
      ['supply', 'supplies'],
    ]) {
      const stems = new Set(group.map(stem));
      expect(stems.size, group.join(',')).toBe(1);
    }
  });

  it('leaves words that only look inflected', () => {
    expect(stem('status')).toBe('status');
    expect(stem('glass')).toBe('glass');
    expect(stem('analysis')).toBe('analysis');
    expect(stem('speed')).toBe('speed');
    expect(stem('bus')).toBe('bus');
    expect(stem('sing')).toBe('sing');
  });

  it('keeps -ly words whose stem would be too short, and numbers as they are', () => {
    expect(stem('monthly')).toBe('month');
    expect(stem('family')).toBe(stem('families'));
    expect(stem('3.5')).toBe('3.5');
    expect(stem('2024s')).toBe('2024s');
  });
});

describe('wordTokens and contentTerms', () => {
  it('lowercases, keeps decimals and amounts whole, drops punctuation', () => {
    expect(wordTokens('The deductible is $2,500 (or 3.5%)!')).toEqual([
      'the',
      'deductible',
      'is',
      '2,500',
      'or',
      '3.5',
    ]);
  });

  it('drops stop words and stems the rest', () => {
    expect(contentTerms('What is the deductible for the flooded kitchens?')).toEqual([
      'deductibl',
      'flood',
      'kitchen',
    ]);
    expect(contentTerms('What is it?')).toEqual([]);
    expect(STOP_WORDS.has('the')).toBe(true);
    expect(STOP_WORDS.has('kitchen')).toBe(false);
  });

  it('handles non-Latin letters and possessives', () => {
    expect(wordTokens("Der Schaden in der Küche, the claimant's car")).toEqual([
      'der',
      'schaden',
      'in',
      'der',
      'küche',
      'the',
      "claimant's",
      'car',
    ]);
    expect(stem("claimant's")).toBe('claimant');
  });
});
