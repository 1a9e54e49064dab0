import { describe, expect, it } from 'vitest';
import { displayWidth, fitCell, formatTime, renderDetails, renderTable } from './format-table.js';

describe('displayWidth', () => {
  it('counts terminal columns, not code units', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('한국')).toBe(4);
    expect(displayWidth('ｆｕｌｌ')).toBe(8);
    expect(displayWidth('🎉')).toBe(2);
    expect(displayWidth('👩‍🔬')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('')).toBe(0);
  });
});

describe('fitCell', () => {
  it('cuts on a character boundary, by columns, with an ellipsis', () => {
    expect(fitCell('abcdef', 4)).toBe('abc…');
    expect(fitCell('abcd', 4)).toBe('abcd');
    expect(fitCell('日本語のカタログ', 7)).toBe('日本語…');
    expect(displayWidth(fitCell('日本語のカタログ', 7))).toBeLessThanOrEqual(7);
    expect(fitCell('🎉🎉🎉', 4)).toBe('🎉…');
    expect(fitCell('e\u0301e\u0301e\u0301', 2)).toBe('e\u0301…');
  });

  it('escapes control and bidi characters before measuring', () => {
    expect(fitCell('a\nb', 60)).toBe('a\\u000ab');
    expect(fitCell('\u202eevil', 60)).toBe('\\u202eevil');
    expect(fitCell('\u001b[31mred', 60)).toBe('\\u001b[31mred');
  });
});

describe('renderTable', () => {
  it('aligns wide characters, and leaves no trailing blanks', () => {
    expect(
      renderTable(
        ['NAME', 'OWNER', 'COMMENT'],
        [
          ['日本', 'admin', ''],
          ['main', 'bob', 'Claims'],
        ],
      ),
    ).toBe(['NAME  OWNER  COMMENT', '日本  admin', 'main  bob    Claims'].join('\n'));
  });

  it('cuts long cells to maxCell', () => {
    const text = renderTable(['A', 'B'], [['x'.repeat(100), 'y']], { maxCell: 10 });
    expect(text.split('\n')[1]).toBe(`${'x'.repeat(9)}…  y`);
  });

  it('makes a missing cell empty, and bolds the header only when asked', () => {
    expect(renderTable(['A', 'B'], [['1']])).toBe('A  B\n1');
    expect(renderTable(['A'], [['1']], { color: true })).toBe('\u001b[1mA\u001b[0m\n1');
  });
});

describe('renderDetails', () => {
  it('aligns values and keeps each on its line', () => {
    expect(
      renderDetails([
        ['name', 'main'],
        ['display name', 'a\nb'],
      ]),
    ).toBe('name:          main\ndisplay name:  a\\u000ab');
  });
});

describe('formatTime', () => {
  it('shows epoch milliseconds and ISO strings alike', () => {
    expect(formatTime(Date.UTC(2024, 4, 1, 12))).toBe('2024-05-01T12:00:00Z');
    expect(formatTime('2024-05-01T12:00:00.123Z', true)).toBe('2024-05-01T12:00:00.123Z');
    expect(formatTime(null)).toBe('-');
    expect(formatTime('garbage')).toBe('garbage');
  });
});
