import { describe, expect, it } from 'vitest';
import { countTokens } from './count-tokens.js';
import { randomText, seededRandom } from './test-support.js';
import { sentenceSpans, textUnits } from './text-units.js';

/**
 * Sentences as one segmenter pass over the whole text finds them (the slow reference), trimmed, and joined
 * where the segmenter broke without whitespace, as sentenceSpans does.
 */
function referenceSpans(text: string): { start: number; end: number }[] {
  const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
  const spans: { start: number; end: number }[] = [];
  for (const { segment, index } of segmenter.segment(text.replaceAll('\n', ' '))) {
    const trimmed = segment.trim();
    if (trimmed === '') continue;
    const start = index + segment.length - segment.trimStart().length;
    const previous = spans.at(-1);
    if (previous && previous.end === start) previous.end = start + trimmed.length;
    else spans.push({ start, end: start + trimmed.length });
  }
  return spans;
}

describe('sentenceSpans', () => {
  it('splits on sentence ends (not after an abbreviation), reads single line breaks as spaces and always breaks at blank lines', () => {
    const text =
      'First sentence here. Second one\nwraps a line! Third?\n\nheading without stop\nNext para. e.g. this stays.';
    expect(sentenceSpans(text).map((s) => text.slice(s.start, s.end))).toEqual([
      'First sentence here.',
      'Second one\nwraps a line!',
      'Third?',
      'heading without stop\nNext para. e.g. this stays.',
    ]);
  });

  it('finds the same sentences in a long paragraph as one pass over it would (windowed segmentation)', () => {
    const random = seededRandom(11);
    for (let run = 0; run < 5; run++) {
      // One paragraph of ~30 KB: several segmentation windows, sentences crossing window edges.
      const text = randomText(random, 5000)
        .replace(/\n\s*\n/g, ' ')
        .trim();
      expect(text.length).toBeGreaterThan(4 * 4096);
      const found = sentenceSpans(text);
      const reference = referenceSpans(text);
      if (reference.every((s) => s.end - s.start < 4096)) {
        expect(found).toEqual(reference);
      } else {
        // A sentence longer than a window is cut at a space; every other boundary is the same.
        const starts = new Set(found.map((s) => s.start));
        for (const s of reference) expect(starts.has(s.start)).toBe(true);
      }
    }
  });
});

describe('textUnits', () => {
  it('gives units within maxTokens whose counts add up to the text', () => {
    const random = seededRandom(5);
    for (let run = 0; run < 50; run++) {
      const text = randomText(random, 400);
      const maxTokens = 1 + Math.floor(random() * 30);
      const units = textUnits(text, maxTokens);
      for (const unit of units) {
        expect(unit.tokens).toBe(countTokens(text.slice(unit.start, unit.end)));
        expect(unit.tokens).toBeLessThanOrEqual(maxTokens);
      }
      expect(
        units
          .map((u) => text.slice(u.start, u.end))
          .join('')
          .replace(/\s+/g, ''),
      ).toBe(text.replace(/\s+/g, ''));
    }
  });
});
