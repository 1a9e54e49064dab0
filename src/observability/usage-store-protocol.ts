// The messages between UsageStoreProcess (the gateway's side) and the usage-store process (usage-store-child.ts).

import type { UsageRecord } from './usage-record.js';
import type { UsageReportQuery } from './usage-report.js';
import type { UsageStoreStats } from './usage-storage.js';

export interface UsageStoreSettings {
  path: string;
  batchSize?: number;
  flushIntervalMs?: number;
  maxQueue?: number;
}

export type UsageStoreCall =
  | { method: 'flush' }
  | { method: 'report'; query: UsageReportQuery }
  | { method: 'recent'; limit: number; principalId?: string }
  | { method: 'close' };

export type ToUsageStore =
  | { type: 'records'; records: UsageRecord[] }
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
