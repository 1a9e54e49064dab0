// The pdfjs half of PDF parsing: one part of a document's pages read into paragraphs. A big PDF is read in
// parts on several worker threads (document-parser-pool.ts); each part loads the document on its own and
// reads its share of the pages, and the first part also reads the outline and the document info, so that
// assemble-pdf.ts can merge the parts in page order. The whole document is one part of one.
import { unreadableDocument } from './document-error.js';
import { fontsFolder, loadPdfJs, type PdfJs } from './load-pdfjs.js';

type LoadedPdf = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

interface PositionedText {
  str: string;
  hasEOL: boolean;
  transform: number[];
  height: number;
}

/** One page read: its paragraphs, or null when the page could not be read (it costs its text only). */
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
  /** Only the first part reads the outline and the info: they belong to the document, not to a page range. */
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

function isPositionedText<T extends object>(item: T): item is T & PositionedText {
  return 'str' in item && 'transform' in item;
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

/** The outline in document order, each entry with its page. */
async function readOutline(pdf: LoadedPdf): Promise<PdfOutlineEntry[]> {
  const outline = (await pdf.getOutline().catch(() => null)) as OutlineNode[] | null;
  if (!outline) return [];
  const nodes: { title: string; level: number; dest: OutlineNode['dest'] }[] = [];
  const visit = (items: readonly OutlineNode[], level: number): void => {
    for (const node of items) {
      if (nodes.length >= MAX_OUTLINE_ENTRIES) return;
      nodes.push({ title: node.title, level: Math.min(level, 6), dest: node.dest });
      visit(node.items ?? [], level + 1);
    }
  };
  visit(outline, 1);
  const entries: PdfOutlineEntry[] = [];
  for (const node of nodes)
    entries.push({ title: node.title, level: node.level, page: await outlinePage(pdf, node.dest) });
  return entries;
}

const INFO_KEYS = ['Title', 'Author', 'Subject', 'CreationDate', 'ModDate'] as const;

async function readInfo(pdf: LoadedPdf): Promise<PdfInfo> {
  const { info } = await pdf.getMetadata().catch(() => ({ info: null }));
  const kept: PdfInfo = {};
  if (typeof info !== 'object' || info === null) return kept;
  for (const key of INFO_KEYS) {
    const value = (info as Record<string, unknown>)[key];
    if (typeof value === 'string') kept[key] = value;
  }
  return kept;
}

/**
 * Reads one part of a PDF. `data` is handed to pdfjs, which takes ownership of (and detaches) its buffer:
 * the caller passes a buffer it no longer needs. An aborted `signal` stops between pages.
 */
export async function readPdfPart(
  data: Uint8Array,
  fileName: string,
  part: PdfPartSpec,
  signal?: AbortSignal,
): Promise<PdfPart> {
  const { getDocument } = await loadPdfJs();
  const task = getDocument({
    data,
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
    let pdf: LoadedPdf;
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
    const { first, last } = pageRange(pdf.numPages, part);
    const pages: PdfPageText[] = [];
    for (let number = first; number <= last; number++) {
      signal?.throwIfAborted();
      try {
        const page = await pdf.getPage(number);
        // No page.cleanup() per page: it only drops what the next page would load again (measured ~10 %
        // slower with it); memory stays bounded because the whole document is destroyed below.
        const content = await page.getTextContent();
        pages.push({ number, paragraphs: pageParagraphs(content.items.filter(isPositionedText)) });
      } catch (error) {
        signal?.throwIfAborted();
        // One damaged page costs its text, not the document; assemble-pdf fails a document with no readable page.
        pages.push({
          number,
          paragraphs: null,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    signal?.throwIfAborted();
    if (part.index !== 0) return { pageCount: pdf.numPages, pages };
    return { pageCount: pdf.numPages, pages, outline: await readOutline(pdf), info: await readInfo(pdf) };
  } finally {
    signal?.removeEventListener('abort', abort);
    await task.destroy();
  }
}
