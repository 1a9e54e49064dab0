// The pure half of PDF parsing: the parts read by pdf-pages.ts (one, or several from parallel workers) merged
// in page order into one ParsedDocument. Text and page offsets are built here, once, by the same builder
// every format uses, so a document read in parts is exactly the document read in one go; outline sections
// are placed after the merge because a heading is searched for in the page text it points to.
import { unreadableDocument } from './document-error.js';
import { DocumentTextBuilder } from './document-text-builder.js';
import type { DocumentPage, ParsedDocument } from './parsed-document.js';
import type { PdfInfo, PdfOutlineEntry, PdfPart } from './pdf-pages.js';

/** PDF dates look like D:20240131120000+01'00'; metadata carries them as ISO 8601. */
export function pdfDateToIso(value: string): string | null {
  const m = /^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/.exec(value.trim());
  if (!m) return null;
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', zone] = m;
  let offset = 'Z';
  if (zone && zone !== 'Z')
    offset = `${zone.slice(0, 3)}:${zone.slice(3).replaceAll("'", '').padEnd(2, '0')}`;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Letters and digits of a text with their offsets: PDF text differs from its outline in quotes, hyphens, wraps. */
interface LetterIndex {
  letters: string;
  /** The text offset of each UTF-16 unit of `letters`. */
  offsets: Int32Array;
  /** `letters` lowercased, made on first need. */
  lower?: string;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const UTF16 = new TextDecoder('utf-16le');

/**
 * Scanned by character code into typed arrays (ASCII without a regular expression): a page index is built
 * for every page an outline entry points to. Only whole letters are kept, so no lone surrogate reaches the
 * decoder.
 */
function letterIndex(text: string, from: number, to: number): LetterIndex {
  const units = new Uint16Array(Math.max(0, to - from));
  const offsets = new Int32Array(units.length);
  let kept = 0;
  for (let i = from; i < to; ) {
    const code = text.charCodeAt(i);
    let width = 1;
    let keep: boolean;
    if (code < 0x80)
      keep = (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);
    else {
      const codePoint = text.codePointAt(i)!;
      if (codePoint > 0xffff) width = 2;
      keep = LETTER_OR_DIGIT.test(String.fromCodePoint(codePoint));
    }
    if (keep) {
      for (let k = 0; k < width; k++) {
        units[kept] = text.charCodeAt(i + k);
        offsets[kept++] = i;
      }
    }
    i += width;
  }
  return { letters: UTF16.decode(units.subarray(0, kept)), offsets: offsets.subarray(0, kept) };
}

/** Where a heading appears in an indexed page at or after `from`, comparing letters and digits only; -1 if absent. */
function findHeading(page: LetterIndex, heading: string, from: number): number {
  const wanted = heading.replace(/[^\p{L}\p{N}]/gu, '');
  if (wanted === '') return -1;
  let startAt = page.offsets.findIndex((offset) => offset >= from);
  if (startAt < 0) return -1;
  // Exact case first: a running header often repeats the heading in capitals at the top of the page.
  let at = page.letters.indexOf(wanted, startAt);
  if (at < 0) {
    page.lower ??= page.letters.toLowerCase();
    startAt = page.lower.indexOf(wanted.toLowerCase(), startAt);
    at = startAt;
  }
  return at < 0 ? -1 : (page.offsets[at] ?? -1);
}

/**
 * The PDF's outline (bookmarks) as sections: each entry is found on its page, so chunks know their chapter.
 * Entries are visited in document order; one that cannot be found on its page starts at the page's start.
 */
function addOutlineSections(
  outline: readonly PdfOutlineEntry[],
  builder: DocumentTextBuilder,
  text: string,
  pages: readonly DocumentPage[],
): void {
  const indexes = new Map<number, LetterIndex>();
  let last = 0;
  for (const entry of outline) {
    const page = entry.page === null ? undefined : pages[entry.page - 1];
    if (!page) continue;
    let index = indexes.get(page.number);
    if (!index) {
      index = letterIndex(text, page.start, page.end);
      indexes.set(page.number, index);
    }
    const from = Math.max(page.start, Math.min(last, page.end));
    const at = findHeading(index, entry.title, from);
    const start = at >= 0 ? at : from;
    builder.sectionAt(entry.title, entry.level, start, page.number);
    last = start;
  }
}

function infoString(info: PdfInfo, key: keyof PdfInfo): string | null {
  const value = info[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Merges parts (in any order) into the document; VALIDATION_FAILED when no page of it could be read. */
export function assemblePdf(parts: readonly PdfPart[], fileName: string): ParsedDocument {
  const pageTexts = parts.flatMap((part) => part.pages).sort((a, b) => a.number - b.number);
  const pageCount = parts[0]?.pageCount ?? 0;
  const first = parts.find((part) => part.outline !== undefined || part.info !== undefined);
  const builder = new DocumentTextBuilder();
  let unreadablePages = 0;
  let lastError: string | undefined;
  for (const page of pageTexts) {
    builder.beginPage(page.number);
    if (page.paragraphs === null) {
      unreadablePages++;
      lastError = page.error;
      continue;
    }
    for (const paragraph of page.paragraphs) builder.paragraph(paragraph);
  }
  if (pageCount > 0 && unreadablePages === pageCount)
    throw unreadableDocument(
      fileName,
      'no page of the PDF is readable',
      lastError === undefined ? undefined : new Error(lastError),
    );
  const pages = builder.pages();
  const text = builder.text;
  addOutlineSections(first?.outline ?? [], builder, text, pages);
  const info = first?.info ?? {};
  const metadata: Record<string, string | number | boolean> = { page_count: pageCount };
  if (unreadablePages > 0) metadata.unreadable_pages = unreadablePages;
  const author = infoString(info, 'Author');
  if (author) metadata.author = author;
  const created = pdfDateToIso(infoString(info, 'CreationDate') ?? '');
  if (created) metadata.created = created;
  const modified = pdfDateToIso(infoString(info, 'ModDate') ?? '');
  if (modified) metadata.modified = modified;
  const subject = infoString(info, 'Subject');
  if (subject) metadata.subject = subject;
  return {
    format: 'pdf',
    title: infoString(info, 'Title'),
    text,
    pages,
    sections: builder.sections(),
    metadata,
  };
}
