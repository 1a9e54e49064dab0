// Parsing on the calling thread, every format. The parser pool's workers run this; parse-document.ts runs it
// directly only for small text formats, where the hop to a worker costs more than the parse. Every parser is
// imported when its first file arrives, so a server that never ingests a document never loads them: PDFium
// (a 4.6 MB WebAssembly module), mammoth (~15 MB of RSS), htmlparser2 (~10 MB: its entity tables), csv-parse, marked.
import { isLakegateError } from '../../core/index.js';
import { decodeText } from './decode-text.js';
import { unreadableDocument } from './document-error.js';
import { type DocumentFormat, documentFormatOf } from './document-format.js';
import type { ParseDocumentInput } from './parse-document-input.js';
import { parseText } from './parse-text.js';
import type { ParsedDocument } from './parsed-document.js';

async function parseByFormat(
  format: DocumentFormat | null,
  input: ParseDocumentInput,
): Promise<ParsedDocument> {
  const { bytes, fileName, signal } = input;
  switch (format) {
    case null:
      throw unreadableDocument(
        fileName,
        'unsupported file type (supported: .pdf, .docx, .html, .md, .txt, .csv)',
      );
    case 'pdf': {
      const [{ readPdfPart, WHOLE_DOCUMENT }, { assemblePdf }] = await Promise.all([
        import('./pdf-pages.js'),
        import('./assemble-pdf.js'),
      ]);
      return assemblePdf([await readPdfPart(bytes, fileName, WHOLE_DOCUMENT, signal)], fileName);
    }
    case 'docx': {
      const { parseDocx } = await import('./parse-docx.js');
      return parseDocx(bytes, fileName);
    }
    case 'html': {
      const { parseHtml } = await import('./parse-html.js');
      return parseHtml(decodeText(bytes));
    }
    case 'markdown': {
      const { parseMarkdown } = await import('./parse-markdown.js');
      return parseMarkdown(decodeText(bytes));
    }
    case 'text':
      return parseText(decodeText(bytes));
    case 'csv': {
      const { parseCsv } = await import('./parse-csv.js');
      return parseCsv(decodeText(bytes), fileName);
    }
  }
}

/** Turns whatever a parser threw into the error the caller sees: the abort reason, or VALIDATION_FAILED. */
export function parseFailure(input: ParseDocumentInput, error: unknown): unknown {
  // Cancelled: the abort reason (an AbortError, REQUEST_CANCELLED at the surface), not the parser's error.
  if (input.signal?.aborted) return input.signal.reason;
  if (isLakegateError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return unreadableDocument(input.fileName, reason, error);
}

/** A parsed document must have text: a scanned PDF without a text layer is refused, not indexed as nothing. */
export function requireText(fileName: string, doc: ParsedDocument): ParsedDocument {
  if (doc.text.trim() === '') throw unreadableDocument(fileName, 'the document contains no text');
  return doc;
}

/** Parses a document on this thread; VALIDATION_FAILED for what cannot be read. */
export async function parseDocumentInThread(input: ParseDocumentInput): Promise<ParsedDocument> {
  input.signal?.throwIfAborted();
  if (input.bytes.byteLength === 0) throw unreadableDocument(input.fileName, 'the file is empty');
  let doc: ParsedDocument;
  try {
    doc = await parseByFormat(documentFormatOf(input.fileName, input.contentType), input);
  } catch (error) {
    throw parseFailure(input, error);
  }
  return requireText(input.fileName, doc);
}
