// The messages between UsageStoreProcess (the gateway's side) and the usage-store process
// (usage-store-child.ts), and the compact form records travel in.

import type { UsageRecord } from './usage-record.js';
import type { UsageReportQuery } from './usage-report.js';
import type { UsageStoreStats } from './usage-storage.js';
import type { UsageStoreOptions } from './usage-store.js';

/** The store's options as they cross to its process: everything but the error callback. */
export type UsageStoreSettings = Omit<UsageStoreOptions, 'onError'>;

export type UsageStoreCall =
  | { method: 'flush' }
  | { method: 'report'; query: UsageReportQuery }
  | { method: 'recent'; limit: number; principalId?: string }
  | { method: 'close' };

export type ToUsageStore =
  | { type: 'records'; rows: UsageRecordRow[] }
  | { type: 'call'; id: number; call: UsageStoreCall };

export interface RemoteError {
  message: string;
  /** A LakegateError's code, to raise the same error on the other side. */
  code?: string;
}

export type FromUsageStore =
  | { type: 'ready' }
  | { type: 'failed'; error: RemoteError }
  | { type: 'reply'; id: number; value: unknown }
  | { type: 'rejected'; id: number; error: RemoteError }
  | { type: 'stats'; stats: UsageStoreStats }
  /** A background write failed (the records stay queued in the usage process and are retried). */
  | { type: 'write-failed'; error: RemoteError };

/**
 * A usage record as its fields' values in a fixed order. The channel carries JSON, and arrays cost about
 * half of what objects do to write and read (no key per field per record): measured over Node's IPC with
 * 512-record batches, ~5 µs a record on both sides together as arrays, ~10 as objects with the channel's
 * structured-clone serialisation.
 */
export type UsageRecordRow = [
  time: number,
  requestId: string,
  principalId: string,
  principalName: string,
  keyId: string | null,
  operation: UsageRecord['operation'],
  endpoint: string,
  requestedModel: string,
  servedModel: string,
  provider: string,
  inputTokens: number,
  outputTokens: number,
  cacheReadTokens: number,
  cacheWriteTokens: number,
  latencyMs: number,
  ttftMs: number | null,
  status: string,
  costUsd: number | null,
  cacheHit: boolean,
];

export function usageRecordRow(r: UsageRecord): UsageRecordRow {
  return [
    r.time,
    r.requestId,
    r.principalId,
    r.principalName,
    r.keyId,
    r.operation,
    r.endpoint,
    r.requestedModel,
    r.servedModel,
    r.provider,
    r.inputTokens,
    r.outputTokens,
    r.cacheReadTokens,
    r.cacheWriteTokens,
    r.latencyMs,
    r.ttftMs,
    r.status,
    r.costUsd,
    r.cacheHit,
  ];
}

export function usageRecordOfRow(row: UsageRecordRow): UsageRecord {
  return {
    time: row[0],
    requestId: row[1],
    principalId: row[2],
    principalName: row[3],
    keyId: row[4],
    operation: row[5],
    endpoint: row[6],
    requestedModel: row[7],
    servedModel: row[8],
    provider: row[9],
    inputTokens: row[10],
    outputTokens: row[11],
    cacheReadTokens: row[12],
    cacheWriteTokens: row[13],
    latencyMs: row[14],
    ttftMs: row[15],
    status: row[16],
    costUsd: row[17],
    cacheHit: row[18],
  };
}
