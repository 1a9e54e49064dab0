// The engine half of PDF parsing (PDFium, load-pdfium.ts): one part of a document's pages read into
// paragraphs. A big PDF is read in parts on several worker threads (document-parser-pool.ts); each part
// loads the document on its own and reads its share of the pages, and the last part also reads the
// outline and the document info, so that assemble-pdf.ts can merge the parts in page order. The whole
// document is one part of one.
import { resourceLimits } from 'node:worker_threads';
import { unreadableDocument } from './document-error.js';
import { discardPdfium, heapOf, hotCallsOf, loadPdfium, type Pdfium } from './load-pdfium.js';

export interface PdfPageText {
  number: number;
  paragraphs: string[] | null;
  /** Why the page could not be read, for the error when no page of the document can be. */
  error?: string;
}

/** An outline (bookmark) entry with the 1-based page it points to (null when it cannot be resolved). */
export interface PdfOutlineEntry {
  title: string;
  level: number;
  page: number | null;
}

/** The document info fields Lakegate keeps, as strings exactly as the PDF holds them. */
export type PdfInfo = Partial<Record<'Title' | 'Author' | 'Subject' | 'CreationDate' | 'ModDate', string>>;

export interface PdfPart {
  pageCount: number;
  pages: PdfPageText[];
  /**
   * Only the last part reads the outline and the info: they belong to the document, not to a page range
   * (the last, because the first pages — title, contents — are usually the densest to read).
   */
  outline?: PdfOutlineEntry[];
  info?: PdfInfo;
}

/** Which part of how many; the pages are split into `of` contiguous ranges once the page count is known. */
export interface PdfPartSpec {
  index: number;
  of: number;
}

export const WHOLE_DOCUMENT: PdfPartSpec = { index: 0, of: 1 };

/** The 1-based page range [first, last] of a part; empty (first > last) when there are fewer pages than parts. */
export function pageRange(pageCount: number, part: PdfPartSpec): { first: number; last: number } {
  return {
    first: Math.floor((part.index * pageCount) / part.of) + 1,
    last: Math.floor(((part.index + 1) * pageCount) / part.of),
  };
}

/** A line of a page: its text and the baseline and font size of its first character. */
interface PageLine {
  text: string;
  y: number;
  size: number;
  /** It ends in a word broken by a hyphen (PDFium marks those U+FFFE): the next line continues the word. */
  hyphenated: boolean;
}

/** Paragraphs of one page: lines into paragraphs at vertical gaps. */
function pageParagraphs(lines: readonly PageLine[]): string[] {
  const paragraphs: string[] = [];
  let paragraph = '';
  let last: PageLine | null = null;
  for (const line of lines) {
    const clean = line.text.replace(/\s+/g, ' ').trim();
    if (clean === '') continue;
    // A gap of more than ~1.8 line heights between baselines is a paragraph break, not a line wrap.
    if (last !== null && paragraph !== '' && !last.hyphenated) {
      const lineHeight = Math.max(line.size, last.size, 1);
      if (Math.abs(last.y - line.y) > lineHeight * 1.8) {
        paragraphs.push(paragraph);
        paragraph = '';
      }
    }
    // A hyphenated word is put back together ("partici-" + "pate"): it is searched for whole.
    const separator = paragraph === '' || last?.hyphenated ? '' : '\n';
    paragraph += separator + clean;
    last = line;
  }
  if (paragraph !== '') paragraphs.push(paragraph);
  return paragraphs;
}

/** Characters PDFium reports that are not text: line-end hyphen markers, non-characters, other controls. */
const NOT_TEXT = /(?![\t\n\r])[\p{Cc}\ufffe\uffff]/gu;
const LINE_END_HYPHEN = /\ufffe\s*$/;

/** Scratch memory in the module's heap, freed by `free`. */
function heap(pdfium: Pdfium) {
  const allocated: number[] = [];
  return {
    alloc(bytes: number): number {
      const pointer = heapOf(pdfium)._malloc(bytes);
      if (pointer === 0) throw new Error('PDFium is out of memory');
      allocated.push(pointer);
      return pointer;
    },
    free(): void {
      for (const pointer of allocated) heapOf(pdfium)._free(pointer);
      allocated.length = 0;
    },
  };
}

/**
 * The lines of a text page, each placed by the baseline and font size of its first character. PDFium's text
 * breaks most lines with CR LF, but sometimes runs two visual lines together; a run whose first and last
 * characters sit on different baselines is split character by character where the baseline moves.
 */
function readLines(pdfium: Pdfium, textPage: number): PageLine[] {
  const hot = hotCallsOf(pdfium);
  const count = pdfium.FPDFText_CountChars(textPage);
  if (count <= 0) return [];
  const scratch = heap(pdfium);
  try {
    const buffer = scratch.alloc((count + 1) * 2);
    pdfium.FPDFText_GetText(textPage, 0, count, buffer);
    const text = pdfium.pdfium.UTF16ToString(buffer, (count + 1) * 2);
    const origin = scratch.alloc(16);
    /** The baseline of character i, or undefined for characters PDFium generated (spaces, breaks). */
    const baseline = (i: number): number | undefined =>
      hot.FPDFText_GetCharOrigin(textPage, i, origin, origin + 8)
        ? heapOf(pdfium).HEAPF64[(origin + 8) >> 3]
        : undefined;
    const lines: PageLine[] = [];
    const push = (from: number, to: number, y: number | undefined): void => {
      const raw = text.slice(from, to);
      const line = raw.replace(NOT_TEXT, '');
      if (line.trim() === '') return;
      const size = hot.FPDFText_GetFontSize(textPage, from);
      lines.push({ text: line, y: y ?? 0, size, hyphenated: LINE_END_HYPHEN.test(raw) });
    };
    let from = 0;
    // One UTF-16 unit per character index (PDFium's own text is indexed that way).
    for (let i = 0; i <= text.length; i++) {
      if (i < text.length && text[i] !== '\n' && text[i] !== '\r') continue;
      if (i > from) {
        const first = baseline(from);
        const last = baseline(i - 1);
        const size = Math.max(hot.FPDFText_GetFontSize(textPage, from), 1);
        if (first === undefined || last === undefined || Math.abs(first - last) <= size / 2)
          push(from, i, first);
        else {
          let start = from;
          let y = first;
          for (let j = from + 1; j < i; j++) {
            const at = baseline(j);
            if (at === undefined || Math.abs(at - y) <= size / 2) continue;
            push(start, j, y);
            start = j;
            y = at;
          }
          push(start, i, y);
        }
      }
      from = i + 1;
    }
    return lines;
  } finally {
    scratch.free();
  }
}

/** A UTF-16 string PDFium writes into a buffer whose byte size it first reports (titles, metadata). */
function readUtf16(pdfium: Pdfium, write: (buffer: number, bytes: number) => number): string {
  const bytes = write(0, 0);
  if (bytes <= 2) return '';
  const scratch = heap(pdfium);
  try {
    const buffer = scratch.alloc(bytes);
    write(buffer, bytes);
    return pdfium.pdfium.UTF16ToString(buffer, bytes);
  } finally {
    scratch.free();
  }
}

/** Outline entries beyond this are ignored: a bookmark per paragraph is not a table of contents. */
const MAX_OUTLINE_ENTRIES = 2000;

/** The 1-based page a bookmark points to (its destination, or its action's), or null. */
function bookmarkPage(pdfium: Pdfium, doc: number, bookmark: number): number | null {
  let dest = pdfium.FPDFBookmark_GetDest(doc, bookmark);
  if (dest === 0) {
    const action = pdfium.FPDFBookmark_GetAction(bookmark);
    if (action !== 0) dest = pdfium.FPDFAction_GetDest(doc, action);
  }
  if (dest === 0) return null;
  const index = pdfium.FPDFDest_GetDestPageIndex(doc, dest);
  return index >= 0 ? index + 1 : null;
}

/** The outline in document order, each entry with its page. */
function readOutline(pdfium: Pdfium, doc: number): PdfOutlineEntry[] {
  const entries: PdfOutlineEntry[] = [];
  // Depth-first with an explicit stack; a cyclic outline (a broken file) is cut by the entry cap.
  const visit = (parent: number, level: number): void => {
    for (
      let bookmark = pdfium.FPDFBookmark_GetFirstChild(doc, parent);
      bookmark !== 0 && entries.length < MAX_OUTLINE_ENTRIES;
      bookmark = pdfium.FPDFBookmark_GetNextSibling(doc, bookmark)
    ) {
      const title = readUtf16(pdfium, (buffer, bytes) =>
        pdfium.FPDFBookmark_GetTitle(bookmark, buffer, bytes),
      );
      entries.push({ title, level: Math.min(level, 6), page: bookmarkPage(pdfium, doc, bookmark) });
      if (level < 64) visit(bookmark, level + 1);
    }
  };
  visit(0, 1);
  return entries;
}

const INFO_KEYS = ['Title', 'Author', 'Subject', 'CreationDate', 'ModDate'] as const;

function readInfo(pdfium: Pdfium, doc: number): PdfInfo {
  const kept: PdfInfo = {};
  for (const key of INFO_KEYS) {
    const value = readUtf16(pdfium, (buffer, bytes) => pdfium.FPDF_GetMetaText(doc, key, buffer, bytes));
    if (value !== '') kept[key] = value;
  }
  return kept;
}

/**
 * The PDFium heap a document may grow to, in MB: the worker's own memory limit (document-parser-pool.ts
 * sets it), since WebAssembly memory is outside V8's heap and its limit. None on a thread without one.
 */
function heapLimitMb(): number | undefined {
  return resourceLimits.maxOldGenerationSizeMb;
}

/** Refuses the document when PDFium's heap has grown past the limit, and drops that (grown) instance. */
function checkHeap(pdfium: Pdfium, fileName: string): void {
  const limitMb = heapLimitMb();
  if (limitMb === undefined || heapOf(pdfium).HEAPU8.length <= limitMb * 2 ** 20) return;
  discardPdfium();
  throw unreadableDocument(
    fileName,
    `reading it needs more memory than a document parser may use (${limitMb} MB)`,
  );
}

/** PDFium's FPDF_GetLastError codes that say why a document did not load. */
const LOAD_ERRORS: Record<number, string> = {
  2: 'not a readable PDF (file not found or could not be opened)',
  3: 'not a readable PDF (not a PDF or corrupted)',
  4: 'the PDF is encrypted with a password',
  5: 'the PDF uses an unsupported security scheme',
};

/**
 * Reads one part of a PDF. An aborted `signal` stops between pages. The bytes are copied into the
 * module's heap for the duration of the read; the caller's array is left as it was.
 */
export async function readPdfPart(
  data: Uint8Array,
  fileName: string,
  part: PdfPartSpec,
  signal?: AbortSignal,
): Promise<PdfPart> {
  signal?.throwIfAborted();
  const pdfium = await loadPdfium();
  signal?.throwIfAborted();
  const file = heap(pdfium);
  let doc = 0;
  try {
    const pointer = file.alloc(Math.max(1, data.byteLength));
    heapOf(pdfium).HEAPU8.set(data, pointer);
    doc = pdfium.FPDF_LoadMemDocument(pointer, data.byteLength, '');
    if (doc === 0) {
      const code = pdfium.FPDF_GetLastError();
      throw unreadableDocument(fileName, LOAD_ERRORS[code] ?? `not a readable PDF (PDFium error ${code})`);
    }
    const pageCount = pdfium.FPDF_GetPageCount(doc);
    const { first, last } = pageRange(pageCount, part);
    const pages: PdfPageText[] = [];
    for (let number = first; number <= last; number++) {
      signal?.throwIfAborted();
      const page = pdfium.FPDF_LoadPage(doc, number - 1);
      const textPage = page === 0 ? 0 : pdfium.FPDFText_LoadPage(page);
      try {
        // One damaged page costs its text, not the document; assemble-pdf fails a document with no readable page.
        if (textPage === 0) pages.push({ number, paragraphs: null, error: 'the page could not be read' });
        else pages.push({ number, paragraphs: pageParagraphs(readLines(pdfium, textPage)) });
      } finally {
        if (textPage !== 0) pdfium.FPDFText_ClosePage(textPage);
        if (page !== 0) pdfium.FPDF_ClosePage(page);
      }
      checkHeap(pdfium, fileName);
      // Other work on this thread (another part, a cancellation) gets a turn between pages.
      if ((number - first) % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
    }
    signal?.throwIfAborted();
    if (part.index !== part.of - 1) return { pageCount, pages };
    return { pageCount, pages, outline: readOutline(pdfium, doc), info: readInfo(pdfium, doc) };
  } finally {
    if (doc !== 0) pdfium.FPDF_CloseDocument(doc);
    file.free();
  }
}
