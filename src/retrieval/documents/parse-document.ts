// One entry point for every format. Parsers for binary formats are imported lazily so a server that never
// sees a PDF or DOCX never loads pdfjs (several MB) or mammoth.
import { isLakegateError } from '../../core/index.js';
import { decodeText } from './decode-text.js';
import { unreadableDocument } from './document-error.js';
import { documentFormatOf } from './document-format.js';
import { parseCsv } from './parse-csv.js';
import { parseHtml } from './parse-html.js';
import { parseMarkdown } from './parse-markdown.js';
import { parseText } from './parse-text.js';
import type { ParsedDocument } from './parsed-document.js';

export interface ParseDocumentInput {
  bytes: Uint8Array;
  fileName: string;
  contentType?: string;
  signal?: AbortSignal;
}

async function parseByFormat(input: ParseDocumentInput): Promise<ParsedDocument> {
  const { bytes, fileName, contentType, signal } = input;
  const format = documentFormatOf(fileName, contentType);
  switch (format) {
    case null:
      throw unreadableDocument(
        fileName,
        'unsupported file type (supported: .pdf, .docx, .html, .md, .txt, .csv)',
      );
    case 'pdf': {
      const { parsePdf } = await import('./parse-pdf.js');
      return parsePdf(bytes, fileName, signal);
    }
    case 'docx': {
      const { parseDocx } = await import('./parse-docx.js');
      return parseDocx(bytes, fileName);
    }
    case 'html':
      return parseHtml(decodeText(bytes));
    case 'markdown':
      return parseMarkdown(decodeText(bytes));
    case 'text':
      return parseText(decodeText(bytes));
    case 'csv':
      return parseCsv(decodeText(bytes), fileName);
  }
}

/** Parses a document into plain text with headings and pages; VALIDATION_FAILED for what cannot be read. */
export async function parseDocument(input: ParseDocumentInput): Promise<ParsedDocument> {
  input.signal?.throwIfAborted();
  if (input.bytes.byteLength === 0) throw unreadableDocument(input.fileName, 'the file is empty');
  let doc: ParsedDocument;
  try {
    doc = await parseByFormat(input);
  } catch (error) {
    // Cancelled: the abort reason (an AbortError, REQUEST_CANCELLED at the surface), not the parser's error.
    input.signal?.throwIfAborted();
    if (isLakegateError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw unreadableDocument(input.fileName, reason, error);
  }
  if (doc.text.trim() === '') throw unreadableDocument(input.fileName, 'the document contains no text');
  return doc;
}
