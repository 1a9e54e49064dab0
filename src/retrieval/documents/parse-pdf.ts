// PDF text per page through pdfjs (Mozilla's PDF engine). Loaded lazily by parse-document. Lines are rebuilt
// from the positioned text items, and a vertical gap clearly larger than the line spacing starts a new
// paragraph, so chunking sees paragraphs rather than one block per page.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { unreadableDocument } from './document-error.js';
import { DocumentTextBuilder } from './document-text-builder.js';
import type { DocumentPage, ParsedDocument } from './parsed-document.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

interface PositionedText {
  str: string;
  hasEOL: boolean;
  transform: number[];
  height: number;
}

let pdfjs: Promise<PdfJs> | null = null;
let standardFontDataUrl: string | null = null;

function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs;
}

/** The package's standard fonts folder (pdfjs wants a trailing slash); without it pdfjs warns on every file. */
function fontsFolder(): string {
  if (standardFontDataUrl === null) {
    const require = createRequire(import.meta.url);
    standardFontDataUrl = `${join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;
  }
  return standardFontDataUrl;
}

function isPositionedText<T extends object>(item: T): item is T & PositionedText {
  return 'str' in item && 'transform' in item;
}

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

/** Paragraphs of one page: items joined into lines, lines into paragraphs at vertical gaps. */
function pageParagraphs(items: readonly PositionedText[]): string[] {
  const paragraphs: string[] = [];
  let paragraph = '';
  let line = '';
  let lastY: number | null = null;
  let lastHeight = 0;
  const endLine = (): void => {
    const clean = line.replace(/\s+/g, ' ').trim();
    if (clean !== '') paragraph += (paragraph === '' ? '' : '\n') + clean;
    line = '';
  };
  for (const item of items) {
    const y = item.transform[5] ?? 0;
    const height = Math.abs(item.height) || Math.abs(item.transform[3] ?? 0);
    if (item.str !== '' && lastY !== null && line === '' && paragraph !== '') {
      // A gap of more than ~1.8 line heights between baselines is a paragraph break, not a line wrap.
      const lineHeight = Math.max(height, lastHeight, 1);
      if (Math.abs(lastY - y) > lineHeight * 1.8) {
        paragraphs.push(paragraph);
        paragraph = '';
      }
    }
    line += item.str;
    if (item.str !== '') {
      lastY = y;
      lastHeight = height;
    }
    if (item.hasEOL) endLine();
  }
  endLine();
  if (paragraph !== '') paragraphs.push(paragraph);
  return paragraphs;
}

interface OutlineNode {
  title: string;
  dest: string | unknown[] | null;
  items: OutlineNode[];
}

/** Outline entries beyond this are ignored: a bookmark per paragraph is not a table of contents. */
const MAX_OUTLINE_ENTRIES = 2000;

type LoadedPdf = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

/** The 1-based page an outline entry points to, or null when its destination cannot be resolved. */
async function outlinePage(pdf: LoadedPdf, dest: OutlineNode['dest']): Promise<number | null> {
  try {
    const explicit = typeof dest === 'string' ? await pdf.getDestination(dest) : dest;
    const target = explicit?.[0];
    if (typeof target === 'number') return target + 1;
    if (typeof target === 'object' && target !== null && 'num' in target && 'gen' in target) {
      return (await pdf.getPageIndex(target as { num: number; gen: number })) + 1;
    }
  } catch {
    // A broken destination only costs the section, not the document.
  }
  return null;
}

/** Letters and digits of a text with their offsets: PDF text differs from its outline in quotes, hyphens, wraps. */
interface LetterIndex {
  letters: string;
  offsets: number[];
}

function letterIndex(text: string, from: number, to: number): LetterIndex {
  let letters = '';
  const offsets: number[] = [];
  const pattern = /[\p{L}\p{N}]/gu;
  const region = text.slice(from, to);
  for (let m = pattern.exec(region); m !== null; m = pattern.exec(region)) {
    letters += m[0];
    for (let i = 0; i < m[0].length; i++) offsets.push(from + m.index);
  }
  return { letters, offsets };
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
    startAt = page.letters.toLowerCase().indexOf(wanted.toLowerCase(), startAt);
    at = startAt;
  }
  return at < 0 ? -1 : (page.offsets[at] ?? -1);
}

/**
 * The PDF's outline (bookmarks) as sections: each entry is found on its page, so chunks know their chapter.
 * Entries are visited in document order; one that cannot be found on its page starts at the page's start.
 */
async function addOutlineSections(
  pdf: LoadedPdf,
  builder: DocumentTextBuilder,
  text: string,
  pages: readonly DocumentPage[],
): Promise<void> {
  const outline = (await pdf.getOutline().catch(() => null)) as OutlineNode[] | null;
  if (!outline) return;
  const entries: { title: string; level: number; dest: OutlineNode['dest'] }[] = [];
  const visit = (nodes: readonly OutlineNode[], level: number): void => {
    for (const node of nodes) {
      if (entries.length >= MAX_OUTLINE_ENTRIES) return;
      entries.push({ title: node.title, level: Math.min(level, 6), dest: node.dest });
      visit(node.items ?? [], level + 1);
    }
  };
  visit(outline, 1);
  const indexes = new Map<number, LetterIndex>();
  let last = 0;
  for (const entry of entries) {
    const number = await outlinePage(pdf, entry.dest);
    const page = number === null ? undefined : pages[number - 1];
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

function infoString(info: unknown, key: string): string | null {
  if (typeof info !== 'object' || info === null) return null;
  const value = (info as Record<string, unknown>)[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

export async function parsePdf(
  bytes: Uint8Array,
  fileName: string,
  signal?: AbortSignal,
): Promise<ParsedDocument> {
  const { getDocument } = await loadPdfJs();
  // pdfjs takes ownership of (and may detach) the buffer it is given; the caller keeps its bytes.
  const task = getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: fontsFolder(),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  const abort = (): void => void task.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    let pdf: Awaited<typeof task.promise>;
    try {
      pdf = await task.promise;
    } catch (error) {
      signal?.throwIfAborted();
      const reason =
        error instanceof Error && error.name === 'PasswordException'
          ? 'the PDF is encrypted with a password'
          : 'not a readable PDF';
      throw unreadableDocument(
        fileName,
        `${reason} (${error instanceof Error ? error.message : String(error)})`,
        error,
      );
    }
    const builder = new DocumentTextBuilder();
    let unreadablePages = 0;
    for (let number = 1; number <= pdf.numPages; number++) {
      signal?.throwIfAborted();
      builder.beginPage(number);
      try {
        const page = await pdf.getPage(number);
        const content = await page.getTextContent();
        for (const paragraph of pageParagraphs(content.items.filter(isPositionedText)))
          builder.paragraph(paragraph);
        page.cleanup();
      } catch (error) {
        signal?.throwIfAborted();
        // One damaged page costs its text, not the document; a document with no readable page fails below.
        unreadablePages++;
        if (unreadablePages === pdf.numPages)
          throw unreadableDocument(fileName, 'no page of the PDF is readable', error);
      }
    }
    const pages = builder.pages();
    const text = builder.text;
    signal?.throwIfAborted();
    await addOutlineSections(pdf, builder, text, pages);
    const { info } = await pdf.getMetadata().catch(() => ({ info: null }));
    const metadata: Record<string, string | number | boolean> = { page_count: pdf.numPages };
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
  } finally {
    signal?.removeEventListener('abort', abort);
    await task.destroy();
  }
}
