import { describe, expect, it } from 'vitest';
import { MAX_SENTENCE_CHARS, splitSentences } from './sentence-split.js';

describe('splitSentences', () => {
  it('splits plain prose at sentence punctuation', () => {
    expect(splitSentences('The roof leaked. Is it covered? Yes! The adjuster agreed.')).toEqual([
      'The roof leaked.',
      'Is it covered?',
      'Yes!',
      'The adjuster agreed.',
    ]);
  });

  it('does not split after abbreviations, titles, initials or inside decimals', () => {
    expect(
      splitSentences(
        'Dr. Smith reviewed claim no. 42 on Jan. 5. The payout was 3.5 million, e.g. Roof and walls. ' +
          'The adjuster (J. Doe) agreed. Mr. Brown, i.e. the claimant, appealed. Version 2.0 shipped.',
      ),
    ).toEqual([
      'Dr. Smith reviewed claim no. 42 on Jan. 5.',
      'The payout was 3.5 million, e.g. Roof and walls.',
      'The adjuster (J. Doe) agreed.',
      'Mr. Brown, i.e. the claimant, appealed.',
      'Version 2.0 shipped.',
    ]);
  });

  it('keeps a period followed by lowercase, and dotted acronyms, inside the sentence', () => {
    expect(splitSentences('It costs approx. five dollars. The U.S. office agreed.')).toEqual([
      'It costs approx. five dollars.',
      'The U.S. office agreed.',
    ]);
  });

  it('ends a sentence after closing quotes and brackets, and after ellipses before a capital', () => {
    expect(
      splitSentences('He said "It is covered." Then he left. (See clause 4.) Done... Next step.'),
    ).toEqual(['He said "It is covered."', 'Then he left.', '(See clause 4.)', 'Done...', 'Next step.']);
  });

  it('treats blank lines, bullets and headings as boundaries and joins soft-wrapped lines', () => {
    const text = [
      '# Coverage',
      'Water damage from a burst pipe',
      'is covered up to the limit.',
      '',
      '- Mold is excluded',
      '* Flood from rivers needs a rider',
      '2. Claims must be filed within 30 days',
      'Exclusions',
      'Wear and tear.',
    ].join('\r\n');
    expect(splitSentences(text)).toEqual([
      'Coverage',
      'Water damage from a burst pipe is covered up to the limit.',
      'Mold is excluded',
      'Flood from rivers needs a rider',
      'Claims must be filed within 30 days',
      'Exclusions',
      'Wear and tear.',
    ]);
  });

  it('drops pieces without letters or digits and returns nothing for empty text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('---\n\n***\n|---|---|')).toEqual([]);
  });

  it('cuts overlong sentences without losing characters', () => {
    const records = Array.from({ length: 40 }, (_, i) => `{"claimId":"C-${i}","status":"open"}`).join(',');
    const pieces = splitSentences(`[${records}]`);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
    expect(pieces.join('')).toBe(`[${records}]`);
  });
});
