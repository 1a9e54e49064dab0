// Messages between the parser pool (event loop) and its workers. One job at a time per worker.
import type { ErrorCode } from '../../core/index.js';
import type { ParsedDocument } from './parsed-document.js';
import type { PdfPart, PdfPartSpec } from './pdf-pages.js';

export type ParserJob =
  /** A whole document; `bytes` sits on a buffer transferred to the worker, which consumes it. */
  | { id: number; kind: 'document'; bytes: Uint8Array; fileName: string; contentType?: string }
  /** One part of a PDF read by several workers at once; `shared` holds the file, read by all of them. */
  | { id: number; kind: 'pdf-part'; shared: SharedArrayBuffer; fileName: string; part: PdfPartSpec };

/** An error as it crosses the thread boundary (a LakegateError loses its class in a structured clone). */
export interface ParserJobError {
  code: ErrorCode | null;
  message: string;
  details: Record<string, unknown>;
}

export type ParserReply =
  | { id: number; type: 'document'; document: ParsedDocument }
  | { id: number; type: 'pdf-part'; part: PdfPart }
  | { id: number; type: 'failed'; error: ParserJobError };
