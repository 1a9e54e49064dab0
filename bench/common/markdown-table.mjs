// The one table format the benches print: a Markdown table whose columns are padded to line up in a
// terminal, text left-aligned and numbers right-aligned.

/** A number with `digits` decimals, or a dash when it was not measured. */
export const fixed = (digits) => (value) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

/** `columns`: { title, value(row) => string, align: 'left' (else right) }. */
export function formatMarkdownTable(columns, rows) {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...cells.map((line) => line[i].length)),
  );
  const pad = (text, i) => (columns[i].align === 'left' ? text.padEnd(widths[i]) : text.padStart(widths[i]));
  const line = (values) => `| ${values.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (columns[i].align === 'left' ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(columns.map((c) => c.title)), rule, ...cells.map(line)].join('\n');
}
