// The one embedded DuckDB instance that holds governed tables. DuckDB is not a security boundary by
// itself (its own docs say untrusted SQL is unsafe), so the instance is locked down before anyone uses
// it: no extension installs or loads, no file access outside the staging folder that server-generated
// loads read from, and the configuration locked so that no later statement can undo any of that. User
// SQL still reaches it only after the governed rewrite (src/data/sql).
//
// DuckDB is loaded and opened on first use: its native library alone adds about 35 MB to the process,
// which a deployment that only proxies models should not carry.

import { mkdirSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { LakegateError } from '../../core/index.js';

export interface DataEngineOptions {
  /** The database file, or `:memory:`. */
  path: string;
  /** The only folder DuckDB may read files from: server-generated loads stage their input here. */
  stagingDir: string;
  /** Where DuckDB spills when a query outgrows memory; defaults to DuckDB's own next to the file. */
  spillDir?: string;
  /** DuckDB's memory_limit, e.g. `2GB`. */
  memoryLimit?: string;
  threads?: number;
}

export interface LeaseOptions {
  /** Interrupts the work after this long and fails with QUERY_TIMEOUT. */
  timeoutMs?: number;
  /** Interrupts the work when aborted and fails with REQUEST_CANCELLED. */
  signal?: AbortSignal;
}

/** Quotes a string as a SQL literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Quotes an identifier. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function openLockedDown(options: DataEngineOptions, stagingDir: string): Promise<DuckDBInstance> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const config: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
    allow_unsigned_extensions: 'false',
  };
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  if (options.threads) config.threads = String(options.threads);
  if (options.spillDir) {
    mkdirSync(options.spillDir, { recursive: true, mode: 0o700 });
    config.temp_directory = resolve(options.spillDir);
  }
  const instance = await DuckDBInstance.create(options.path, config);
  const bootstrap = await instance.connect();
  try {
    // Order matters: allowed_directories must be set while external access is still on, and the
    // lock last, after which SET on any of these fails.
    await bootstrap.run(`SET allowed_directories=[${sqlString(stagingDir)}]`);
    await bootstrap.run('SET enable_external_access=false');
    await bootstrap.run('SET lock_configuration=true');
  } finally {
    bootstrap.closeSync();
  }
  return instance;
}

/** Every method of DuckDBConnection that starts work in the engine (all of them return promises). */
const STATEMENT_METHODS = new Set([
  'run',
  'runAndRead',
  'runAndReadAll',
  'runAndReadUntil',
  'stream',
  'streamAndRead',
  'streamAndReadAll',
  'streamAndReadUntil',
  'start',
  'startThenRead',
  'startThenReadAll',
  'startThenReadUntil',
  'startStream',
  'startStreamThenRead',
  'startStreamThenReadAll',
  'startStreamThenReadUntil',
  'prepare',
  'extractStatements',
  'createAppender',
  'getTableNames',
]);

/**
 * The connection as `work` sees it: once the lease is stopped, starting another statement fails at
 * once instead of running (the interrupt alone reaches only a statement already running).
 */
function stoppable(connection: DuckDBConnection, isStopped: () => boolean): DuckDBConnection {
  return new Proxy(connection, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || !STATEMENT_METHODS.has(property)) return value.bind(target);
      return (...args: unknown[]) => {
        if (isStopped()) return Promise.reject(new Error('INTERRUPT Error: the lease was stopped.'));
        return value.apply(target, args);
      };
    },
  });
}

export class DataEngine {
  private closed = false;
  private instance: Promise<DuckDBInstance> | undefined;

  private constructor(
    private readonly options: DataEngineOptions,
    /** Absolute, with a trailing separator: DuckDB's allowed_directories matches by prefix. */
    readonly stagingDir: string,
  ) {}

  /** An engine that loads and opens DuckDB on first use (or on `ready()`). */
  static async open(options: DataEngineOptions): Promise<DataEngine> {
    const stagingDir = `${resolve(options.stagingDir)}${sep}`;
    mkdirSync(stagingDir, { recursive: true, mode: 0o700 });
    return new DataEngine(options, stagingDir);
  }

  /** Opens DuckDB now if it is not open yet; a failure to open is reported to every caller. */
  ready(): Promise<DuckDBInstance> {
    if (this.closed) return Promise.reject(new LakegateError('INTERNAL', 'The data engine is closed.'));
    this.instance ??= openLockedDown(this.options, this.stagingDir);
    return this.instance;
  }

  /**
   * Runs `work` on a connection of its own, closed afterwards: temporary objects and session state
   * never outlive one unit of work or pass between principals.
   */
  async withConnection<T>(
    work: (connection: DuckDBConnection) => Promise<T>,
    options: LeaseOptions = {},
  ): Promise<T> {
    const connection = await (await this.ready()).connect();
    let stopped: 'timeout' | 'cancelled' | undefined;
    let repeat: NodeJS.Timeout | undefined;
    const stop = (why: 'timeout' | 'cancelled') => {
      if (stopped) return;
      stopped = why;
      connection.interrupt();
      // DuckDB forgets an interrupt that arrives while the connection is idle (between two statements
      // of `work`, or before a just-dispatched statement starts): keep interrupting until work ends.
      repeat = setInterval(() => connection.interrupt(), 10);
    };
    const timer = options.timeoutMs ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
    const onAbort = () => stop('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted) stop('cancelled');
      return await work(stoppable(connection, () => stopped !== undefined));
    } catch (error) {
      if (stopped === 'timeout') {
        throw new LakegateError(
          'QUERY_TIMEOUT',
          `The query ran longer than ${options.timeoutMs} ms and was stopped.`,
          {
            cause: error,
          },
        );
      }
      if (stopped === 'cancelled') {
        throw new LakegateError('REQUEST_CANCELLED', 'The query was cancelled.', { cause: error });
      }
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
      if (repeat) clearInterval(repeat);
      options.signal?.removeEventListener('abort', onAbort);
      // Closing also rolls back a transaction the work left open (e.g. a ROLLBACK refused after a stop).
      connection.closeSync();
    }
  }

  /** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(work: (connection: DuckDBConnection) => Promise<T>, options: LeaseOptions = {}): Promise<T> {
    return this.withConnection(async (connection) => {
      await connection.run('BEGIN TRANSACTION');
      try {
        const result = await work(connection);
        await connection.run('COMMIT');
        return result;
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }, options);
  }

  /** Writes everything to the database file and closes it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.instance) return;
    const instance = await this.instance.catch(() => undefined);
    if (!instance) return;
    const connection = await instance.connect();
    try {
      await connection.run('CHECKPOINT');
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
}
