// One logged call of an endpoint with an inference table: the usage record's facts (who, which model,
// status, tokens, latency, cache hit) plus the request and the response as the gateway saw them. The
// payloads are kept as objects and turned into JSON only when the batch is written, off the hot path.

import type { ConverseResponse } from '../../core/index.js';
import type { UsageRecord } from '../../observability/index.js';
import type { ConverseInput } from '../router.js';

/** What a call answered: a whole response, a stream's assembled text, or the error it failed with. */
export type LoggedResponse =
  | { kind: 'converse'; response: ConverseResponse }
  | { kind: 'stream'; text: string; stopReason: string | null }
  | { kind: 'error'; code: string };

export interface PayloadRow {
  /** The usage record of the call, finished (its fields are read when the batch is written). */
  record: UsageRecord;
  request: ConverseInput;
  response: LoggedResponse;
}

/** Where batches go: a governed table per endpoint (src/api/inference-tables.ts implements it). */
export interface PayloadSink {
  /**
   * Writes the rows of one batch; resolves with the rows it could not write (to be retried), so that a
   * batch spanning two tables is not written twice into the one that took it. Rejects for the whole batch.
   */
  write(rows: PayloadRow[]): Promise<PayloadRow[]>;
}

/** A JSON.stringify replacer: bytes (images, documents) become their size, never copied. */
function bytesAsSize(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { bytes: value.byteLength } : value;
}

/** Request JSON for a log: bytes (images, documents) are replaced by their size, never copied. */
export function requestJson(input: ConverseInput): string {
  return JSON.stringify(input, bytesAsSize);
}

/** Response JSON for a log, in the same canonical shape for every surface. */
export function responseJson(response: LoggedResponse): string {
  switch (response.kind) {
    case 'converse':
      return JSON.stringify(
        { output: response.response.output, stopReason: response.response.stopReason },
        bytesAsSize,
      );
    case 'stream':
      return JSON.stringify({ text: response.text, stopReason: response.stopReason });
    case 'error':
      return JSON.stringify({ error: response.code });
  }
}
