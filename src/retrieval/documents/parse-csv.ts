// CSV: the first row names the columns; every further row becomes one paragraph of `column: value` lines.
// Why not the row as it is: a chunk (or a search hit) often holds a row without the header, and "Alice,42,NL"
// means nothing on its own, while "name: Alice / age: 42 / country: NL" is self-describing for the embedding
// model, for BM25 (column names become searchable) and for the person or model reading the hit.
import { parse } from 'csv-parse/sync';
import { unreadableDocument } from './document-error.js';
import { DocumentTextBuilder } from './document-text-builder.js';
import type { ParsedDocument } from './parsed-document.js';

export function parseCsv(source: string, fileName: string): ParsedDocument {
  let records: string[][];
  try {
    records = parse(source, {
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as string[][];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw unreadableDocument(fileName, `not valid CSV (${reason})`, error);
  }
  const [header, ...rows] = records;
  if (!header) throw unreadableDocument(fileName, 'the CSV has no header row');
  const columns = header.map((name, i) => (name !== '' ? name : `column_${i + 1}`));
  const builder = new DocumentTextBuilder();
  for (const row of rows) {
    const lines: string[] = [];
    row.forEach((value, i) => {
      if (value !== '') lines.push(`${columns[i] ?? `column_${i + 1}`}: ${value.replace(/\s*\n\s*/g, ' ')}`);
    });
    builder.paragraph(lines.join('\n'));
  }
  return {
    format: 'csv',
    title: null,
    text: builder.text,
    sections: builder.sections(),
    metadata: { row_count: rows.length, columns: columns.join(', ') },
  };
}
