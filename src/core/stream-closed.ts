// A file write stream that a failed pipeline abandons may still be opening its file: fs.WriteStream opens
// asynchronously, and the pipeline can reject before the open completes. Removing the file at that moment
// races the open, which then creates it again (seen as a stray temp file under load). Waiting for 'close'
// first makes the removal final.

import type { Writable } from 'node:stream';

/** Resolves once `stream` has closed (at once if it already has); never rejects. */
export function untilClosed(stream: Writable): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => stream.once('close', () => resolve()));
}
