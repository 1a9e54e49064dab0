// The messages between UsageStoreThread (the event loop's side) and the usage-store worker.

import type { UsageRecord } from './usage-record.js';
import type { UsageReportQuery } from './usage-report.js';
import type { UsageStoreStats } from './usage-storage.js';

export interface UsageWorkerSettings {
  path: string;
  batchSize?: number;
  flushIntervalMs?: number;
  maxQueue?: number;
}

export type UsageWorkerCall =
  | { method: 'flush' }
  | { method: 'report'; query: UsageReportQuery }
  | { method: 'recent'; limit: number; principalId?: string }
  | { method: 'close' };

export type ToUsageWorker =
  | { type: 'records'; records: UsageRecord[] }
  | { type: 'call'; id: number; call: UsageWorkerCall };

export interface WorkerError {
  message: string;
  /** A LakegateError's code, to raise the same error on the other side. */
  code?: string;
}

export type FromUsageWorker =
  | { type: 'ready' }
  | { type: 'failed'; error: WorkerError }
  | { type: 'reply'; id: number; value: unknown }
  | { type: 'rejected'; id: number; error: WorkerError }
  | { type: 'stats'; stats: UsageStoreStats }
  /** A background write failed (the records stay queued in the worker and are retried). */
  | { type: 'write-failed'; error: WorkerError };
