// What the rest of the process needs of the usage records: a non-blocking `record`, reports, counters
// for /metrics, and a close that loses nothing. UsageStore is the DuckDB store itself; UsageStoreProcess
// runs one in a child process so that its writes never take the event loop nor its memory the gateway's.

import type { UsageRecord } from './usage-record.js';
import type { UsageReportQuery, UsageReportRow } from './usage-report.js';

/** Counters for /metrics. */
export interface UsageStoreStats {
  queued: number;
  written: number;
  dropped: number;
  failedWrites: number;
}

export interface UsageStorage {
  /** Queues a record; never waits and never throws (a full queue drops the record and counts it). */
  record(record: UsageRecord): void;
  /** Writes everything recorded so far; resolves when it is in the database. */
  flush(): Promise<void>;
  /** Totals over a window, grouped by one dimension; includes every record queued before the call. */
  report(query: UsageReportQuery): Promise<UsageReportRow[]>;
  /** The newest records, newest first, after writing what is queued. */
  recent(limit: number, principalId?: string): Promise<UsageRecord[]>;
  stats(): UsageStoreStats;
  /** Writes what is queued and closes the database. Records after this are dropped. */
  close(): Promise<void>;
}
