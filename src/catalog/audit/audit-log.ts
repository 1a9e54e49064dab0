// The audit log's writer. `record()` is synchronous and never touches the database: it redacts, stamps
// and queues. A background flusher appends the queue in batches, one transaction per batch, chained by
// hash (append-audit-batch.ts). A slow or failing database delays the writes, never the request: failed
// batches stay at the front of the queue and are retried, in order, on the next tick.
//
// What `kill -9` (or a crash) can lose: the records still queued, i.e. those recorded since the last
// successful flush — at most about `flushIntervalMs` worth (plus the batch being committed at that
// instant, which either commits whole or not at all), or everything queued since the database started
// failing, up to `maxQueue`. A clean shutdown calls `close()`, which writes the rest. The chain itself
// is never left half-written: each batch is one transaction.

import type { Kysely } from 'kysely';
import { LakegateError, nowIso } from '../../core/index.js';
import type { Database } from '../../store/index.js';
import { appendAuditBatch, isPostgres, type PendingAuditRow } from './append-audit-batch.js';
import type {
  AuditDecision,
  AuditEvent,
  AuditPage,
  AuditQuery,
  AuditStats,
  AuditVerifyResult,
} from './audit-types.js';
import { queryAuditLog } from './query-audit-log.js';
import { paramsToJson, scrubString } from './redact-params.js';
import { verifyAuditChain } from './verify-audit-chain.js';

export interface AuditLogOptions {
  db: Kysely<Database>;
  /** How long a record may wait in memory before it is written: the most a crash can lose. */
  flushIntervalMs?: number;
  /**
   * Records per transaction (default 64). With SQLite a transaction runs on the event loop: 64 records take
   * a millisecond or two, where 500 held every request in flight for 5–10 ms (p99 at 16 clients in
   * bench/gateway fell by about a quarter); between transactions the flush lets requests run.
   */
  maxBatch?: number;
  /** Records held in memory while the database is slow or down; beyond it new records are dropped, counted and reported. */
  maxQueue?: number;
  /** Failed batches, dropped records. Called synchronously; it must not throw (if it does, it is ignored). */
  onError?: (error: LakegateError) => void;
}

const DECISIONS: ReadonlySet<string> = new Set<AuditDecision>(['allow', 'deny', 'none']);
/** Retries back off from the flush interval up to this, so a dead database is not hammered. */
const MAX_RETRY_DELAY_MS = 2000;

interface DropEpisode {
  count: number;
  firstAt: string;
  lastAt: string;
}

const optionalText = (value: string | undefined): string | null =>
  value === undefined || value === null ? null : scrubString(String(value));

/** The ISO time, formatted once per millisecond: busy gateways record several events in each. */
let lastStampMs = Number.NaN;
let lastStamp = '';
function stampNow(): string {
  const ms = Date.now();
  if (ms !== lastStampMs) {
    lastStampMs = ms;
    lastStamp = new Date(ms).toISOString();
  }
  return lastStamp;
}

function toPendingRow(event: AuditEvent): PendingAuditRow {
  return {
    at: typeof event.at === 'string' ? event.at : stampNow(),
    principal_id: event.principalId ?? null,
    action: scrubString(String(event.action)),
    securable_type: optionalText(event.securableType),
    securable_name: optionalText(event.securableName),
    params: paramsToJson(event.params),
    decision: DECISIONS.has(event.decision) ? event.decision : 'none',
    request_id: optionalText(event.requestId),
  };
}

export class AuditLog {
  private readonly db: Kysely<Database>;
  private readonly postgres: boolean;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private readonly onError: ((error: LakegateError) => void) | undefined;

  private readonly queue: PendingAuditRow[] = [];
  /** Flushes run one after another, so batches keep queue order. */
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private timerDelay = 0;
  private failures = 0;
  private closed = false;
  private written = 0;
  private dropped = 0;
  private lastError: string | null = null;
  /** Drops not yet noted in the log itself. */
  private episode: DropEpisode | undefined;

  constructor(options: AuditLogOptions) {
    this.db = options.db;
    this.postgres = isPostgres(options.db);
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.maxBatch = Math.max(1, options.maxBatch ?? 64);
    this.maxQueue = Math.max(1, options.maxQueue ?? 100_000);
    this.onError = options.onError;
  }

  /** Queues one record. Synchronous, never throws, never waits for the database. */
  record(event: AuditEvent): void {
    try {
      if (this.closed || this.queue.length >= this.maxQueue) {
        this.drop(this.closed ? 'the audit log is closed' : 'the audit queue is full');
        return;
      }
      if (this.episode && this.queue.length + 2 <= this.maxQueue) {
        // The gap goes into the chain itself, so readers of the log see that records are missing.
        const { count, firstAt, lastAt } = this.episode;
        this.episode = undefined;
        this.queue.push(
          toPendingRow({
            principalId: null,
            action: 'audit.records_dropped',
            params: { count, first_at: firstAt, last_at: lastAt },
            decision: 'none',
          }),
        );
      }
      this.queue.push(toPendingRow(event));
      this.schedule(this.queue.length >= this.maxBatch ? 0 : this.flushIntervalMs);
    } catch (error) {
      this.report(new LakegateError('INTERNAL', 'An audit record could not be queued.', { cause: error }));
    }
  }

  /** Writes every record queued so far; rejects (keeping them queued) if the database fails. */
  flush(): Promise<void> {
    const target = this.written + this.queue.length;
    const run = this.chain.then(() => this.drainUntil(target));
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Stops the timer and writes the rest; call on shutdown. Later records are dropped and reported. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    try {
      await this.flush();
    } catch (error) {
      throw new LakegateError(
        'INTERNAL',
        `${this.queue.length} audit records could not be written before shutdown.`,
        { cause: error, details: { unwritten: this.queue.length } },
      );
    }
  }

  stats(): AuditStats {
    return {
      queued: this.queue.length,
      written: this.written,
      dropped: this.dropped,
      lastError: this.lastError,
    };
  }

  verify(): Promise<AuditVerifyResult> {
    return verifyAuditChain(this.db);
  }

  query(filter: AuditQuery): Promise<AuditPage> {
    return queryAuditLog(this.db, filter);
  }

  private async drainUntil(target: number): Promise<void> {
    while (this.written < target && this.queue.length > 0) {
      const batch = this.queue.slice(0, this.maxBatch);
      try {
        await appendAuditBatch(this.db, batch, this.postgres);
      } catch (error) {
        this.failures += 1;
        this.lastError = error instanceof Error ? error.message : String(error);
        const failure = new LakegateError(
          'INTERNAL',
          `${batch.length} audit records could not be written; they stay queued and will be retried.`,
          { cause: error, details: { queued: this.queue.length, failures: this.failures } },
        );
        this.report(failure);
        this.schedule(
          Math.min(
            this.flushIntervalMs * 2 ** (this.failures - 1),
            Math.max(this.flushIntervalMs, MAX_RETRY_DELAY_MS),
          ),
        );
        throw failure;
      }
      // Only record() adds to the queue, and only at the end: the front is still this batch.
      this.queue.splice(0, batch.length);
      this.written += batch.length;
      this.failures = 0;
      // SQLite writes on the event loop: between transactions, let the requests waiting behind us run.
      if (this.written < target && this.queue.length > 0)
        await new Promise((resolve) => setImmediate(resolve));
    }
    if (this.queue.length > 0) this.schedule(this.queue.length >= this.maxBatch ? 0 : this.flushIntervalMs);
  }

  private schedule(delay: number): void {
    if (this.closed) return;
    if (this.timer) {
      if (delay >= this.timerDelay) return;
      this.clearTimer();
    }
    this.timerDelay = delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Failures are reported (onError, stats) and retried by drainUntil; nothing to add here.
      this.flush().catch(() => undefined);
    }, delay);
    // The timer alone must not keep a process alive; shutdown calls close().
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private drop(reason: string): void {
    this.dropped += 1;
    const at = nowIso();
    if (this.episode) {
      this.episode.count += 1;
      this.episode.lastAt = at;
      return;
    }
    this.episode = { count: 1, firstAt: at, lastAt: at };
    // Reported once per episode (not once per record); the total is in stats().dropped.
    this.report(
      new LakegateError('INTERNAL', `Audit records are being dropped: ${reason}.`, {
        details: { dropped: this.dropped, queued: this.queue.length },
      }),
    );
  }

  private report(error: LakegateError): void {
    try {
      this.onError?.(error);
    } catch {
      // A broken error handler must not break the request path.
    }
  }
}
