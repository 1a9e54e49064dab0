// The DuckDB connections that re-read query candidates, kept between queries with their prepared statements.
// A query's re-read is one governed SELECT whose text depends only on the index, the caller's rewrite and
// the number of key chunks — the keys are a bound list — so the same few statements run again and again:
// opening a connection and parsing, binding and planning the statement each time was most of a re-read's
// cost (bench/vector-search). What DataEngine.withConnection guarantees still holds: a pooled connection only
// ever runs server-generated governed SELECTs (and the governor's parse calls), which leave no session state
// behind, and a statement is found by its full rewritten text, identity literals included, so a caller can
// only ever run a statement that the governor produced for exactly that text. A connection whose work failed
// is closed, never reused.

import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import type { DataEngine } from '../../data/index.js';

/** One connection of the pool and the statements prepared on it. */
export class ReadConnection {
  private readonly statements = new Map<string, DuckDBPreparedStatement>();

  constructor(
    readonly connection: DuckDBConnection,
    private readonly maxStatements: number,
  ) {}

  /** The statement for `sql`, prepared on first use and kept (least recently used goes first). */
  async prepared(sql: string): Promise<DuckDBPreparedStatement> {
    const kept = this.statements.get(sql);
    if (kept) {
      this.statements.delete(sql);
      this.statements.set(sql, kept);
      return kept;
    }
    const statement = await this.connection.prepare(sql);
    if (this.statements.size >= this.maxStatements) {
      const [oldest, evicted] = this.statements.entries().next().value as [string, DuckDBPreparedStatement];
      this.statements.delete(oldest);
      evicted.destroySync();
    }
    this.statements.set(sql, statement);
    return statement;
  }

  /** Destroys the prepared statements (the connection stays open). */
  forgetStatements(): void {
    for (const statement of this.statements.values()) statement.destroySync();
    this.statements.clear();
  }

  close(): void {
    this.forgetStatements();
    this.connection.closeSync();
  }
}

/** Runs `work` on a connection of its own (DataEngine.withConnection), closed afterwards. */
export function onOwnConnection<T>(
  engine: DataEngine,
  work: (read: ReadConnection) => Promise<T>,
): Promise<T> {
  return engine.withConnection(async (connection) => {
    const read = new ReadConnection(connection, 8);
    try {
      return await work(read);
    } finally {
      read.forgetStatements();
    }
  });
}

export interface ReadConnectionsOptions {
  /** Idle connections kept (more run at once under concurrent queries; the surplus is closed). */
  maxIdle?: number;
  /** Prepared statements kept per connection. */
  maxStatements?: number;
}

export class ReadConnections {
  private readonly idle: ReadConnection[] = [];
  private readonly maxIdle: number;
  private readonly maxStatements: number;
  private closed = false;

  constructor(
    private readonly engine: DataEngine,
    options: ReadConnectionsOptions = {},
  ) {
    this.maxIdle = options.maxIdle ?? 4;
    this.maxStatements = Math.max(1, options.maxStatements ?? 64);
  }

  /** Runs `work` on a pooled connection (after close: on a connection of its own, closed afterwards). */
  async use<T>(work: (read: ReadConnection) => Promise<T>): Promise<T> {
    if (this.closed) return onOwnConnection(this.engine, work);
    const read =
      this.idle.pop() ?? new ReadConnection(await (await this.engine.ready()).connect(), this.maxStatements);
    let reusable = false;
    try {
      const result = await work(read);
      reusable = true;
      return result;
    } finally {
      if (reusable && !this.closed && this.idle.length < this.maxIdle) this.idle.push(read);
      else read.close();
    }
  }

  /** Closes the idle connections; one still at work is closed when its work ends. */
  close(): void {
    this.closed = true;
    for (const read of this.idle.splice(0)) read.close();
  }
}
