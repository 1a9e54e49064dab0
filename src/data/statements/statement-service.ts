// Statements with Databricks SQL Statement Execution semantics: submit returns an id and waits up to
// wait_timeout for the result (0 = answer at once); the statement then runs on, or is cancelled, as
// on_wait_timeout says. Results are kept as chunks for a while and then expire (state CLOSED). Only the
// principal that submitted a statement can see, page or cancel it; anyone else gets NOT_FOUND. Statements
// run a few at a time (the rest wait as PENDING), each with a timeout, on the locked-down engine, and only
// ever as the governed rewrite of what was sent.

import { randomUUID } from 'node:crypto';
import type { Actor, Catalog } from '../../catalog/index.js';
import { isLakegateError, LakegateError, validationError } from '../../core/index.js';
import type { DataEngine } from '../engine/index.js';
import {
  auditQuery,
  classifyStatement,
  GovernedWrites,
  type QueryAuditEntry,
  runGoverned,
  type SqlGovernor,
  type TableWriter,
} from '../sql/index.js';
import { bindParameters } from './bind-parameters.js';
import { engineError } from './engine-errors.js';
import { type ChunkLimits, readResult } from './read-result.js';
import type {
  ResultChunk,
  ResultManifest,
  StatementSnapshot,
  StatementState,
  SubmitStatement,
} from './statement-types.js';

export interface StatementServiceOptions {
  engine: DataEngine;
  catalog: Catalog;
  governor: SqlGovernor;
  tables: TableWriter;
  /** A statement is stopped after this long (default 5 minutes). */
  statementTimeoutMs?: number;
  /** Finished statements and their results are kept this long (default 1 hour), then CLOSED. */
  resultTtlMs?: number;
  /** Statements running at once; more wait as PENDING (default 4). */
  maxConcurrent?: number;
  /** Statements kept per principal (default 100): the oldest finished ones go first. */
  maxPerPrincipal?: number;
  limits?: Partial<ChunkLimits>;
}

interface StatementRecord {
  id: string;
  owner: string;
  state: StatementState;
  error?: LakegateError;
  manifest?: ResultManifest;
  chunks?: ResultChunk[];
  controller: AbortController;
  done: Promise<void>;
  finishedAt?: number;
}

const DEFAULT_LIMITS: ChunkLimits = {
  chunkRows: 10_000,
  chunkBytes: 4 * 1024 * 1024,
  rowLimit: 1_000_000,
  totalBytes: 64 * 1024 * 1024,
};

export class StatementService {
  private readonly statements = new Map<string, StatementRecord>();
  private readonly writes: GovernedWrites;
  private readonly limits: ChunkLimits;
  private readonly timeoutMs: number;
  private readonly ttlMs: number;
  private readonly maxConcurrent: number;
  private readonly maxPerPrincipal: number;
  private running = 0;
  private readonly queue: Array<() => void> = [];
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: StatementServiceOptions) {
    this.writes = new GovernedWrites({
      engine: options.engine,
      catalog: options.catalog,
      governor: options.governor,
      tables: options.tables,
    });
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.timeoutMs = options.statementTimeoutMs ?? 5 * 60_000;
    this.ttlMs = options.resultTtlMs ?? 60 * 60_000;
    this.maxConcurrent = options.maxConcurrent ?? 4;
    this.maxPerPrincipal = options.maxPerPrincipal ?? 100;
    this.sweeper = setInterval(() => this.expire(), Math.min(60_000, this.ttlMs)).unref();
  }

  async submit(actor: Actor, input: SubmitStatement): Promise<StatementSnapshot> {
    const wait = input.waitTimeoutSeconds ?? 10;
    if (!Number.isInteger(wait) || (wait !== 0 && (wait < 5 || wait > 50))) {
      throw validationError('wait_timeout must be 0s, or from 5s to 50s.');
    }
    if (typeof input.statement !== 'string' || input.statement.trim() === '') {
      throw validationError('statement must be a non-empty SQL string.');
    }
    if (input.statement.length > 1024 * 1024) throw validationError('statement is longer than 1 MiB.');
    if (input.rowLimit !== undefined && (!Number.isInteger(input.rowLimit) || input.rowLimit < 0)) {
      throw validationError('row_limit must be a whole number ≥ 0.');
    }
    this.expire();
    this.makeRoom(actor.principalId);
    const record: StatementRecord = {
      id: randomUUID(),
      owner: actor.principalId,
      state: 'PENDING',
      controller: new AbortController(),
      done: Promise.resolve(),
    };
    this.statements.set(record.id, record);
    record.done = this.run(record, actor, input);
    if (wait > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        record.done.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), wait * 1000);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut && input.onWaitTimeout === 'CANCEL') {
        record.controller.abort();
        await record.done;
      }
    }
    return this.snapshot(record, true);
  }

  get(actor: Actor, id: string): StatementSnapshot {
    return this.snapshot(this.find(actor, id), true);
  }

  chunk(actor: Actor, id: string, index: number): ResultChunk {
    const record = this.find(actor, id);
    if (record.state === 'CLOSED')
      throw new LakegateError('NOT_FOUND', `The result of statement '${id}' has expired.`);
    if (record.state !== 'SUCCEEDED' || !record.chunks) {
      throw validationError(`Statement '${id}' has no result to read (state ${record.state}).`);
    }
    const chunk = record.chunks[index];
    if (!Number.isInteger(index) || !chunk) {
      throw new LakegateError(
        'NOT_FOUND',
        `Statement '${id}' has no chunk ${index}; it has ${record.chunks.length}.`,
      );
    }
    return chunk;
  }

  /** Cancels a pending or running statement; a finished one is left as it is. */
  async cancel(actor: Actor, id: string): Promise<StatementSnapshot> {
    const record = this.find(actor, id);
    if (record.state === 'PENDING' || record.state === 'RUNNING') {
      record.controller.abort();
      await record.done;
    }
    return this.snapshot(record, false);
  }

  /** Cancels everything still running and stops expiring results. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const record of this.statements.values()) record.controller.abort();
    await Promise.all([...this.statements.values()].map((r) => r.done));
  }

  private find(actor: Actor, id: string): StatementRecord {
    this.expire();
    const record = this.statements.get(id);
    // Another principal's statement is as absent as one that never was.
    if (!record || record.owner !== actor.principalId) {
      throw new LakegateError('NOT_FOUND', `Statement '${id}' does not exist or you do not have permission.`);
    }
    return record;
  }

  private snapshot(record: StatementRecord, withFirstChunk: boolean): StatementSnapshot {
    const snapshot: StatementSnapshot = { statementId: record.id, state: record.state };
    if (record.error) snapshot.error = { code: record.error.code, message: record.error.message };
    if (record.state === 'SUCCEEDED' && record.manifest) {
      snapshot.manifest = record.manifest;
      const first = record.chunks?.[0];
      if (withFirstChunk && first) snapshot.result = first;
    }
    return snapshot;
  }

  private async run(record: StatementRecord, actor: Actor, input: SubmitStatement): Promise<void> {
    const { signal } = record.controller;
    try {
      await this.slot(signal);
    } catch {
      this.finish(record, 'CANCELED');
      return;
    }
    try {
      if (signal.aborted) return this.finish(record, 'CANCELED');
      record.state = 'RUNNING';
      const result = await this.execute(actor, input, signal, record.id);
      record.manifest = result.manifest;
      record.chunks = result.chunks;
      this.finish(record, 'SUCCEEDED');
    } catch (error) {
      const mapped = engineError(error);
      if (mapped.code === 'REQUEST_CANCELLED' || signal.aborted) this.finish(record, 'CANCELED');
      else this.finish(record, 'FAILED', mapped);
    } finally {
      this.release();
    }
  }

  private async execute(actor: Actor, input: SubmitStatement, signal: AbortSignal, statementId: string) {
    // Every record of this statement names the same principal, statement and id.
    const audit = (entry: Omit<QueryAuditEntry, 'actor' | 'statement' | 'statementId'>) =>
      auditQuery(this.options.catalog, { actor, statement: input.statement, statementId, ...entry });
    const context = {
      ...(input.catalog ? { catalog: input.catalog } : {}),
      ...(input.schema ? { schema: input.schema } : {}),
    };
    let classified: ReturnType<typeof classifyStatement>;
    let bound: ReturnType<typeof bindParameters>;
    try {
      classified = classifyStatement(input.statement);
      if (classified.kind !== 'select' && input.parameters?.length) {
        throw validationError('Parameters are supported for SELECT statements only.');
      }
      bound = bindParameters(
        classified.kind === 'select' ? classified.sql : '',
        classified.kind === 'select' ? (input.parameters ?? []) : [],
      );
    } catch (error) {
      // Refused before governance even looked: still one audit record.
      audit({
        kind: 'SELECT',
        decision: 'deny',
        error: codeOf(error),
      });
      throw error;
    }
    if (classified.kind !== 'select') {
      const kind = classified.kind === 'create_table_as' ? 'CREATE_TABLE_AS' : 'INSERT';
      try {
        const written = await this.writes.execute(actor, classified, context);
        audit({
          kind,
          decision: 'allow',
          tables: written.governed.tables.map((t) => t.table.fullName),
          target: written.target.fullName,
          rows: written.rowsInserted,
        });
        const n = String(written.rowsInserted);
        return {
          manifest: {
            columns: [
              { name: 'num_affected_rows', typeName: 'LONG', typeText: 'BIGINT', position: 0 },
              { name: 'num_inserted_rows', typeName: 'LONG', typeText: 'BIGINT', position: 1 },
            ],
            totalRowCount: 1,
            totalByteCount: 0,
            chunks: [{ chunkIndex: 0, rowOffset: 0, rowCount: 1, byteCount: 0 }],
            truncated: false,
          },
          chunks: [{ chunkIndex: 0, rowOffset: 0, rowCount: 1, byteCount: 0, dataArray: [[n, n]] }],
        };
      } catch (error) {
        audit({
          kind,
          decision: 'deny',
          error: codeOf(error),
        });
        throw error;
      }
    }
    const limits = {
      ...this.limits,
      ...(input.rowLimit !== undefined ? { rowLimit: Math.min(input.rowLimit, this.limits.rowLimit) } : {}),
    };
    return this.options.engine.withConnection(
      async (connection) => {
        let governed: Awaited<ReturnType<SqlGovernor['governOn']>>;
        try {
          governed = await this.options.governor.governOn(connection, actor, bound.sql, {
            ...context,
            parameters: bound.names,
          });
        } catch (error) {
          audit({
            kind: 'SELECT',
            decision: 'deny',
            error: codeOf(error),
          });
          throw error;
        }
        const tables = governed.tables.map((t) => t.table.fullName);
        try {
          const values: Record<string, string | null> = {};
          for (const name of governed.parameters) values[name] = bound.values[name] ?? null;
          // An interrupt only stops a query that is running: a cancel that arrived between the rewrite's
          // own small queries would be lost, so it is checked for again around the start of the query.
          const read = await runGoverned(connection, governed, async (sql) => {
            throwIfCancelled(signal);
            const result = await connection.stream(sql, governed.parameters.length > 0 ? values : undefined);
            if (signal.aborted) connection.interrupt();
            throwIfCancelled(signal);
            return readResult(result, limits);
          });
          audit({
            kind: 'SELECT',
            decision: 'allow',
            tables,
            rows: read.manifest.totalRowCount,
          });
          return read;
        } catch (error) {
          audit({
            kind: 'SELECT',
            decision: 'allow',
            tables,
            error: codeOf(engineError(error)),
          });
          throw error;
        }
      },
      { timeoutMs: this.timeoutMs, signal },
    );
  }

  private finish(record: StatementRecord, state: StatementState, error?: LakegateError): void {
    record.state = state;
    if (error) record.error = error;
    record.finishedAt = Date.now();
  }

  private slot(signal: AbortSignal): Promise<void> {
    if (this.running < this.maxConcurrent) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const start = () => {
        signal.removeEventListener('abort', onAbort);
        this.running++;
        resolve();
      };
      const onAbort = () => {
        const at = this.queue.indexOf(start);
        if (at !== -1) this.queue.splice(at, 1);
        reject(new LakegateError('REQUEST_CANCELLED', 'The statement was cancelled.'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(start);
    });
  }

  private release(): void {
    this.running--;
    this.queue.shift()?.();
  }

  /** Results past their time are dropped; the statement stays known as CLOSED until twice that. */
  private expire(): void {
    const now = Date.now();
    for (const [id, record] of this.statements) {
      if (record.finishedAt === undefined) continue;
      if (now - record.finishedAt > 2 * this.ttlMs) this.statements.delete(id);
      else if (now - record.finishedAt > this.ttlMs && record.state !== 'CLOSED') {
        record.state = 'CLOSED';
        delete record.chunks;
        delete record.manifest;
      }
    }
  }

  private makeRoom(owner: string): void {
    const mine = [...this.statements.values()].filter((r) => r.owner === owner);
    if (mine.length < this.maxPerPrincipal) return;
    const oldest = mine
      .filter((r) => r.finishedAt !== undefined)
      .sort((a, b) => a.finishedAt! - b.finishedAt!)[0];
    if (!oldest) {
      throw new LakegateError(
        'RATE_LIMITED',
        `At most ${this.maxPerPrincipal} statements may be open at once.`,
      );
    }
    this.statements.delete(oldest.id);
  }
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new LakegateError('REQUEST_CANCELLED', 'The statement was cancelled.');
}

function codeOf(error: unknown): string {
  return isLakegateError(error) ? error.code : 'INTERNAL';
}
