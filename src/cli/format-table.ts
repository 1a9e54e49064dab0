// Plain-text output for the console: aligned tables and key/value details. Widths are measured in
// terminal columns, not UTF-16 code units, so CJK names and emoji line up and a cut never splits a
// character; names come from users, so control and bidi-override characters are escaped and cannot
// rewrite the terminal or fake another line.

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;

/** East Asian Wide and Fullwidth ranges (the ones that occur in practice). */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

function graphemeWidth(grapheme: string): number {
  if (ZERO_WIDTH.test(grapheme)) return 0;
  // An emoji sequence (with a variation selector or joiners) is drawn as one wide glyph.
  if (PICTOGRAPHIC.test(grapheme) && (grapheme.length > 2 || isWide(grapheme.codePointAt(0) ?? 0))) return 2;
  return isWide(grapheme.codePointAt(0) ?? 0) ? 2 : 1;
}

/** Terminal columns the text takes (after escaping, which the table does first). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment);
  return width;
}

/** Escapes, then cuts to `max` columns with a trailing "…", on a character boundary. */
export function fitCell(text: string, max: number): string {
  const clean = escapeText(text);
  if (displayWidth(clean) <= max) return clean;
  let out = '';
  let width = 0;
  for (const { segment } of segmenter.segment(clean)) {
    const w = graphemeWidth(segment);
    if (width + w > max - 1) break;
    out += segment;
    width += w;
  }
  return `${out}…`;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export interface TableOptions {
  /** Widest a cell may be, in columns; longer cells are cut with "…". Default 60. */
  maxCell?: number;
  /** Bold headers (only when writing to a terminal). */
  color?: boolean;
}

/** Columns separated by two spaces; the last column is not padded, so lines carry no trailing blanks. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const max = options.maxCell ?? 60;
  const body = rows.map((row) => headers.map((_, i) => fitCell(row[i] ?? '', max)));
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...body.map((r) => displayWidth(r[i]!))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : padEnd(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  const head = line([...headers]);
  return [options.color ? `\u001b[1m${head}\u001b[0m` : head, ...body.map(line)].join('\n');
}

/** `key:  value` lines with the values aligned; a value's own line breaks are escaped. */
export function renderDetails(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...pairs.map(([key]) => displayWidth(key) + 1));
  return pairs
    .map(([key, value]) => `${padEnd(`${key}:`, width)}  ${escapeText(value)}`.trimEnd())
    .join('\n');
}

/** Epoch milliseconds or an ISO string as ISO (seconds precision unless `withMs`); '-' when absent. */
export function formatTime(value: unknown, withMs = false): string {
  if (value === null || value === undefined || value === '') return '-';
  const date = new Date(typeof value === 'number' ? value : String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  const iso = date.toISOString();
  return withMs ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
}

/** Any JSON value as one cell: '-' for nothing, objects as compact JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
