// Usage records in their own DuckDB file (<home>/usage/usage.duckdb), written off the request path: `record`
// only pushes onto a bounded in-memory queue; a timer (or a full batch) appends the queue through a
// DuckDB Appender and folds it into the daily rollup, both in one transaction, so a report never sees a
// record without its rollup or the other way round. `close` writes whatever is still queued.
// DuckDB's native library is loaded when a store is opened, not when this module is imported (the
// price table and metrics beside it are used without it). How the rollup keeps up: usage-schema.ts.

import type {
  DuckDBAppender,
  DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
} from '@duckdb/node-api';
import { LakegateError } from '../core/index.js';
import type { UsageRecord } from './usage-record.js';
import { type UsageReportQuery, type UsageReportRow, usageReportSql } from './usage-report.js';
import {
  addLateRecordsSql,
  rollUpDaysSql,
  USAGE_DAILY_DDL,
  USAGE_RECORDS_DDL,
  USAGE_ROLLUP_DDL,
} from './usage-schema.js';
import type { UsageStorage, UsageStoreStats } from './usage-storage.js';

/**
 * DuckDB's refusal to open a file another process holds, said as what it means here: a second Lakegate on
 * the same home. (Its own message names the lock and the pid, not what to change.)
 */
function inUseElsewhere(error: unknown, path: string): LakegateError | undefined {
  const message = error instanceof Error ? error.message : '';
  if (!/Could not set lock on file/i.test(message)) return undefined;
  const holder = /\(PID (\d+)\)/.exec(message)?.[1];
  return new LakegateError(
    'CONFIG_INVALID',
    `The usage store ${path} is in use by another process${holder ? ` (pid ${holder})` : ''}: is another Lakegate running on this home? Each Lakegate needs its own LAKEGATE_HOME (--home).`,
  );
}

export interface UsageStoreOptions {
  /** The database file, or `:memory:`. */
  path: string;
  /** A write starts as soon as this many records are queued (and at most this many go in one transaction). */
  batchSize?: number;
  /** Queued records are written at least this often. */
  flushIntervalMs?: number;
  /** Records held in memory while the database is slow or failing; past it new records are dropped (and counted). */
  maxQueue?: number;
  /** Told about failed writes (the records stay queued and are retried) and dropped records. */
  onError?: (error: unknown) => void;
}

const DEFAULTS = { batchSize: 5_000, flushIntervalMs: 1_000, maxQueue: 200_000 };
const DAY_MS = 86_400_000;
/**
 * DuckDB's buffer limit for the usage store (its default is 80 % of the machine's memory). Under
 * sustained load each checkpoint (a 16 MB write-ahead log, about 300,000 calls) took the usage process
 * from ~160 MB to 250–290 MB; with 64 MB, 190–210 MB, at the same CPU per record. Reports read the daily
 * rollup and need little; a large one spills to disk instead of failing.
 */
const MEMORY_LIMIT = '64MB';
/**
 * A day is rolled up once the newest record is this far past its end: calls that started before
 * midnight and are still finishing are then few, and each of them is added by an upsert.
 */
const ROLLUP_GRACE_MS = 3_600_000;

export class UsageStore implements UsageStorage {
  private queue: UsageRecord[] = [];
  private nextSeq: number;
  /** The days before this UTC midnight (epoch ms) are in usage_daily; undefined before the first record. */
  private rolledThrough: number | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly batchSize: number;
  private readonly maxQueue: number;
  private readonly onError: (error: unknown) => void;
  private readonly counters: UsageStoreStats = { queued: 0, written: 0, dropped: 0, failedWrites: 0 };

  private constructor(
    private readonly instance: DuckDBInstance,
    /** Appends and rolls up; one transaction at a time. */
    private readonly writer: DuckDBConnection,
    /** Reports, on their own connection so that they never run inside a write transaction. */
    private readonly reader: DuckDBConnection,
    private appender: DuckDBAppender,
    private readonly Timestamp: typeof DuckDBTimestampValue,
    lastSeq: number,
    rolledThrough: number | undefined,
    options: UsageStoreOptions,
  ) {
    this.nextSeq = lastSeq + 1;
    this.rolledThrough = rolledThrough;
    this.batchSize = options.batchSize ?? DEFAULTS.batchSize;
    this.maxQueue = options.maxQueue ?? DEFAULTS.maxQueue;
    this.onError = options.onError ?? (() => undefined);
    this.timer = setInterval(
      () => this.flushInBackground(),
      options.flushIntervalMs ?? DEFAULTS.flushIntervalMs,
    );
    this.timer.unref();
  }

  static async open(options: UsageStoreOptions): Promise<UsageStore> {
    const duckdb = await import('@duckdb/node-api');
    const instance = await duckdb.DuckDBInstance.create(options.path, {
      // Usage is our own data, never user SQL; still, it needs no extensions and no files but its own.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      enable_external_access: 'false',
      memory_limit: MEMORY_LIMIT,
    }).catch((error: unknown) => {
      throw inUseElsewhere(error, options.path) ?? error;
    });
    try {
      const writer = await instance.connect();
      await writer.run(USAGE_RECORDS_DDL);
      await writer.run(USAGE_DAILY_DDL);
      await writer.run(USAGE_ROLLUP_DDL);
      const last = await writer.runAndReadAll('SELECT coalesce(max(seq), 0) FROM usage_records');
      const lastSeq = Number(last.getRows()[0]?.[0] ?? 0);
      const rollup = await writer.runAndReadAll('SELECT rolled_through FROM usage_rollup WHERE id = 1');
      const rolledRow = rollup.getRows()[0];
      const rolledThrough = rolledRow === undefined ? undefined : Number(rolledRow[0]);
      const reader = await instance.connect();
      const appender = await writer.createAppender('usage_records');
      return new UsageStore(
        instance,
        writer,
        reader,
        appender,
        duckdb.DuckDBTimestampValue,
        lastSeq,
        rolledThrough,
        options,
      );
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  /** Queues a record; never waits and never throws (a full queue drops the record and counts it). */
  record(record: UsageRecord): void {
    if (this.closed || this.queue.length >= this.maxQueue) {
      this.counters.dropped++;
      return;
    }
    this.queue.push(record);
    if (this.queue.length >= this.batchSize && this.writing === undefined) this.flushInBackground();
  }

  /** The first day (YYYY-MM-DD, UTC) not yet in the daily rollup; undefined before the first record. */
  get rollupWatermark(): string | undefined {
    return this.rolledThrough === undefined
      ? undefined
      : new Date(this.rolledThrough).toISOString().slice(0, 10);
  }

  stats(): UsageStoreStats {
    return { ...this.counters, queued: this.queue.length };
  }

  /** Writes everything queued so far; resolves when it is in the database. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing.catch(() => undefined);
    if (this.queue.length === 0) return;
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
    });
    await this.writing;
  }

  /** Totals over a window, grouped by one dimension; includes every record queued before the call. */
  async report(query: UsageReportQuery): Promise<UsageReportRow[]> {
    if (this.closed) throw new LakegateError('INTERNAL', 'The usage store is closed.');
    await this.flush();
    const values = query.principalId !== undefined ? { principal: query.principalId } : undefined;
    const reader = await this.reader.runAndReadAll(usageReportSql(query, this.rolledThrough ?? 0), values);
    return reader.getRows().map((row) => ({
      key: String(row[0]),
      label: String(row[1] === '' ? row[0] : row[1]),
      requests: Number(row[2]),
      errors: Number(row[3]),
      cancelled: Number(row[4]),
      cacheHits: Number(row[5]),
      unpriced: Number(row[6]),
      inputTokens: Number(row[7]),
      outputTokens: Number(row[8]),
      cacheReadTokens: Number(row[9]),
      cacheWriteTokens: Number(row[10]),
      costUsd: Number(row[11]),
      avgLatencyMs: Number(row[12]),
    }));
  }

  /** The newest records, newest first, after writing what is queued (for inspection and tests). */
  async recent(limit: number, principalId?: string): Promise<UsageRecord[]> {
    if (this.closed) throw new LakegateError('INTERNAL', 'The usage store is closed.');
    await this.flush();
    const filter = principalId !== undefined ? 'WHERE principal_id = $principal' : '';
    const reader = await this.reader.runAndReadAll(
      `SELECT epoch_ms(ts), request_id, principal_id, principal_name, key_id, operation, endpoint,
         requested_model, served_model, provider, input_tokens, output_tokens, cache_read_tokens,
         cache_write_tokens, latency_ms, ttft_ms, status, cost_usd, cache_hit
       FROM usage_records ${filter} ORDER BY seq DESC LIMIT ${Math.max(0, Math.trunc(limit))}`,
      principalId !== undefined ? { principal: principalId } : undefined,
    );
    return reader.getRows().map((row) => ({
      time: Number(row[0]),
      requestId: String(row[1]),
      principalId: String(row[2]),
      principalName: String(row[3]),
      keyId: row[4] === null ? null : String(row[4]),
      operation: String(row[5]) as UsageRecord['operation'],
      endpoint: String(row[6]),
      requestedModel: String(row[7]),
      servedModel: String(row[8]),
      provider: String(row[9]),
      inputTokens: Number(row[10]),
      outputTokens: Number(row[11]),
      cacheReadTokens: Number(row[12]),
      cacheWriteTokens: Number(row[13]),
      latencyMs: Number(row[14]),
      ttftMs: row[15] === null ? null : Number(row[15]),
      status: String(row[16]),
      costUsd: row[17] === null ? null : Number(row[17]),
      cacheHit: row[18] === true,
    }));
  }

  /** Stops the timer, writes what is queued, and closes the database. Records after this are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    try {
      await this.flush();
    } finally {
      this.closed = true;
      this.appender.closeSync();
      this.reader.closeSync();
      this.writer.closeSync();
      this.instance.closeSync();
    }
  }

  private flushInBackground(): void {
    if (this.writing !== undefined || this.queue.length === 0) return;
    this.flush().catch((error: unknown) => this.onError(error));
  }

  /** Writes the queue in transactions of at most batchSize records; a failed batch goes back to the front. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.length <= this.batchSize ? this.queue : this.queue.slice(0, this.batchSize);
      this.queue = batch === this.queue ? [] : this.queue.slice(this.batchSize);
      try {
        await this.writeBatch(batch);
        this.counters.written += batch.length;
      } catch (error) {
        this.counters.failedWrites++;
        // Nothing of the batch was committed: keep it for the next attempt, ahead of newer records.
        this.queue = batch.concat(this.queue);
        if (this.queue.length > this.maxQueue) {
          this.counters.dropped += this.queue.length - this.maxQueue;
          this.queue.length = this.maxQueue;
        }
        throw error;
      }
    }
  }

  /**
   * Inside the batch's transaction: adds its records for days already rolled up, then rolls up the
   * days the records have moved past. Returns the new watermark (kept only if the transaction commits).
   */
  private async rollUp(first: number, oldest: number, newest: number): Promise<number> {
    const current = this.rolledThrough ?? Math.floor(oldest / DAY_MS) * DAY_MS;
    if (oldest < current) await this.writer.run(addLateRecordsSql(current), { first: BigInt(first) });
    const next = Math.floor((newest - ROLLUP_GRACE_MS) / DAY_MS) * DAY_MS;
    if (next > current) {
      await this.writer.run(rollUpDaysSql(current, next));
    }
    const watermark = Math.max(current, next);
    if (watermark !== this.rolledThrough) {
      await this.writer.run(
        `INSERT INTO usage_rollup VALUES (1, ${watermark}) ON CONFLICT DO UPDATE SET rolled_through = excluded.rolled_through`,
      );
    }
    return watermark;
  }

  private async writeBatch(batch: readonly UsageRecord[]): Promise<void> {
    const first = this.nextSeq;
    let oldest = Number.POSITIVE_INFINITY;
    let newest = Number.NEGATIVE_INFINITY;
    await this.writer.run('BEGIN TRANSACTION');
    try {
      let seq = first;
      const appender = this.appender;
      for (const r of batch) {
        if (r.time < oldest) oldest = r.time;
        if (r.time > newest) newest = r.time;
        appender.appendBigInt(BigInt(seq++));
        appender.appendTimestamp(new this.Timestamp(BigInt(Math.trunc(r.time)) * 1000n));
        appender.appendVarchar(r.requestId);
        appender.appendVarchar(r.principalId);
        appender.appendVarchar(r.principalName);
        if (r.keyId === null) appender.appendNull();
        else appender.appendVarchar(r.keyId);
        appender.appendVarchar(r.operation);
        appender.appendVarchar(r.endpoint);
        appender.appendVarchar(r.requestedModel);
        appender.appendVarchar(r.servedModel);
        appender.appendVarchar(r.provider);
        appender.appendBigInt(count(r.inputTokens));
        appender.appendBigInt(count(r.outputTokens));
        appender.appendBigInt(count(r.cacheReadTokens));
        appender.appendBigInt(count(r.cacheWriteTokens));
        appender.appendInteger(millis(r.latencyMs));
        if (r.ttftMs === null) appender.appendNull();
        else appender.appendInteger(millis(r.ttftMs));
        appender.appendVarchar(r.status);
        if (r.costUsd === null) appender.appendNull();
        else appender.appendDouble(Number.isFinite(r.costUsd) ? r.costUsd : 0);
        appender.appendBoolean(r.cacheHit);
        appender.endRow();
      }
      this.appender.flushSync();
      const rolledThrough = await this.rollUp(first, oldest, newest);
      await this.writer.run('COMMIT');
      this.nextSeq = seq;
      this.rolledThrough = rolledThrough;
    } catch (error) {
      await this.writer.run('ROLLBACK').catch(() => undefined);
      // A row may have been left half-appended: start from a fresh appender.
      try {
        this.appender.closeSync();
      } catch {
        // It is being replaced either way.
      }
      this.appender = await this.writer.createAppender('usage_records');
      throw error;
    }
  }
}

// A provider's odd number (fractional, negative, NaN) must not make a row unwritable: one bad row would
// otherwise fail its whole batch on every retry.
function count(value: number): bigint {
  return Number.isFinite(value) && value > 0 ? BigInt(Math.trunc(value)) : 0n;
}

function millis(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.min(Math.round(value), 2_147_483_647) : 0;
}
