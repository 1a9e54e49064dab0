// The control-plane store: SQLite in the data folder by default (better-sqlite3, WAL), PostgreSQL when
// LAKEGATE_DATABASE_URL is set. Both speak through one Kysely instance with one schema and one set of
// migrations, so no query is written twice.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DialectAdapter, Kysely, PostgresDialect, SqliteAdapter, SqliteDialect } from 'kysely';
import { LakegateError, OldestFirst } from '../core/index.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';

export type StoreEngine = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  engine: StoreEngine;
  /** Where it lives, without credentials: a file path or `postgres://host:port/db`. */
  location: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** A postgres:// URL; when absent, SQLite at `sqlitePath`. */
  databaseUrl?: string;
  sqlitePath?: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
}

const INT8_OID = 20;

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  } catch {
    return 'postgres';
  }
}

async function openPostgres(url: string, maxConnections: number): Promise<Store> {
  // Loaded only when used: an embedded deployment never pays for the PostgreSQL driver's memory.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    // bigint columns hold sequence numbers and counters that fit in a double: read them as numbers.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server drops (restart, failover, DROP DATABASE) is reported as an 'error'
  // event; unhandled it would crash the process. The pool replaces it on the next query.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', location: redactUrl(url), close: () => db.destroy() };
}

const PREPARED_STATEMENT_CACHE = 512;

/**
 * Kysely asks better-sqlite3 to prepare every statement again on every call, which costs more than
 * running it. A statement can be run any number of times, so keep the most recent ones by SQL text
 * (SQLite re-prepares a cached statement itself if the schema changes under it).
 */
function memoizePrepare(sqlite: { prepare(source: string): unknown }): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, unknown>();
  const oldest = new OldestFirst(cache);
  sqlite.prepare = (source: string) => {
    let statement = cache.get(source);
    if (statement === undefined) {
      statement = prepare(source);
      if (cache.size >= PREPARED_STATEMENT_CACHE) oldest.evict();
      cache.set(source, statement);
    }
    return statement;
  };
}

/** Kysely assumes SQLite has no transactional DDL; it does, and migrations must roll back whole. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalDdlSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

async function openSqlite(path: string): Promise<Store> {
  const { default: SqliteDatabase } = await import('better-sqlite3');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const sqlite = new SqliteDatabase(path);
  memoizePrepare(sqlite);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new TransactionalDdlSqliteDialect({ database: sqlite }) });
  return { db, engine: 'sqlite', location: path, close: () => db.destroy() };
}

/** Opens the store and brings its schema up to date; a failed migration leaves it as it was. */
export async function openStore(options: StoreOptions): Promise<Store> {
  let store: Store;
  if (options.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(options.databaseUrl)) {
      throw new LakegateError('CONFIG_INVALID', 'LAKEGATE_DATABASE_URL must be a postgres:// URL.');
    }
    store = await openPostgres(options.databaseUrl, options.maxConnections ?? 10);
  } else {
    if (!options.sqlitePath)
      throw new LakegateError('CONFIG_INVALID', 'The store needs a SQLite path or a database URL.');
    store = await openSqlite(options.sqlitePath);
  }
  try {
    await migrateToLatest(store.db);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
