// The one entry point for every format. Documents are parsed on a process-wide pool of worker threads
// (document-parser-pool.ts), so a big PDF never blocks the event loop; small text is parsed in place.
import { DocumentParserPool } from './document-parser-pool.js';
import type { ParseDocumentInput } from './parse-document-input.js';
import type { ParsedDocument } from './parsed-document.js';

export type { ParseDocumentInput } from './parse-document-input.js';

let shared: DocumentParserPool | null = null;

/** The pool `parseDocument` uses; its idle workers exit on their own and never keep the process alive. */
export function sharedDocumentParserPool(): DocumentParserPool {
  shared ??= new DocumentParserPool();
  return shared;
}

/** Stops the shared pool's workers (a server shutting down); a later parse starts a new pool. */
export async function closeSharedDocumentParserPool(): Promise<void> {
  const pool = shared;
  shared = null;
  await pool?.close();
}

/** Parses a document into plain text with headings and pages; VALIDATION_FAILED for what cannot be read. */
export function parseDocument(input: ParseDocumentInput): Promise<ParsedDocument> {
  return sharedDocumentParserPool().parse(input);
}
