// A parser pool worker (started by document-parser-pool.ts): parses what it is sent, one job at a time, and
// answers with the document, the PDF part, or the error. PDFium and mammoth load here, on first use, so the
// event loop's thread never carries them.
import { parentPort } from 'node:worker_threads';
import { isLakegateError } from '../../core/index.js';
import type { ParserJob, ParserJobError, ParserReply } from './document-parser-protocol.js';
import { parseDocumentInThread, parseFailure } from './parse-in-thread.js';
import { readPdfPart } from './pdf-pages.js';

function jobError(error: unknown): ParserJobError {
  if (isLakegateError(error)) return { code: error.code, message: error.message, details: error.details };
  return { code: null, message: error instanceof Error ? error.message : String(error), details: {} };
}

async function run(job: ParserJob): Promise<ParserReply> {
  if (job.kind === 'document') {
    const { id, bytes, fileName, contentType } = job;
    const input = contentType === undefined ? { bytes, fileName } : { bytes, fileName, contentType };
    return { id, type: 'document', document: await parseDocumentInThread(input) };
  }
  const { id, shared, fileName, part } = job;
  // The parts of one document share its bytes; each copies them into its own PDFium heap.
  const data = new Uint8Array(shared);
  try {
    return { id, type: 'pdf-part', part: await readPdfPart(data, fileName, part) };
  } catch (error) {
    throw parseFailure({ bytes: data, fileName }, error);
  }
}

const port = parentPort;
if (port === null) throw new Error('document-parser-worker runs as a worker thread');
port.on('message', (job: ParserJob) => {
  run(job).then(
    (reply) => port.postMessage(reply),
    (error: unknown) => port.postMessage({ id: job.id, type: 'failed', error: jobError(error) }),
  );
});
