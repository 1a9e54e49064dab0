import { describe, expect, it } from 'vitest';
import { CANNOT_ANSWER, renderAnswer, stripAnswerMarkup } from './render-answer.js';

describe('renderAnswer', () => {
  it('joins neighbouring sentences of one source and starts a line on any jump', () => {
    const text = renderAnswer([
      { text: 'A is covered.', label: 'a.md', unit: 0, position: 2 },
      { text: 'B is excluded.', label: 'a.md', unit: 0, position: 3 },
      { text: 'C is pending.', label: 'a.md', unit: 0, position: 7 },
      { text: 'D was paid.', label: 'tool result tu_1', unit: 1, position: 0 },
      { text: 'E applies.', label: 'a.md', unit: 2, position: 0 },
    ]);
    expect(text).toBe(
      'A is covered. [1] B is excluded. [1]\nC is pending. [1]\nD was paid. [2]\nE applies. [1]\n\n' +
        'Sources: [1] a.md; [2] tool result tu_1',
    );
  });
});

describe('stripAnswerMarkup', () => {
  it('removes citation markers, the Sources line and the refusal', () => {
    expect(stripAnswerMarkup('A is covered. [1] B is excluded. [2]\n\nSources: [1] a.md; [2] b.md')).toBe(
      'A is covered. B is excluded.',
    );
    expect(stripAnswerMarkup(CANNOT_ANSWER)).toBe('');
    expect(stripAnswerMarkup('Array[1] stays.')).toBe('Array[1] stays.');
  });
});
