// What earlier re-reads returned, so that a query whose candidates were read before needs no DuckDB statement
// (a re-read costs 3–5 ms, the rest of a query about as much again: bench/vector-search). An entry is found
// by the FULL REWRITTEN STATEMENT, never by caller or index: the text carries the caller's identity as
// literals, its row filter and its masks, so any change of grants, groups or policies that changes what the
// caller may see produces another text, and a caller who lost access never gets that far (the rewrite
// refuses). What the text cannot carry is handled here:
//   - the table's rows: every committed write to a table drops the entries that read it, and a read that
//     overlapped a write is not kept (an epoch per table, taken before the statement ran);
//   - time: a statement calling anything but a short list of pure functions, or naming current_date,
//     now() and the like, is never cached (a policy may compare with today's date);
//   - time travel: statements reading a version of a table are never cached.
// Bounded by rows and by characters held; the least recently used statement goes first.

import type { Json } from '@duckdb/node-api';
import type { GovernedQuery } from '../../data/index.js';
import type { GovernedRow } from './governed-rows.js';

/** Function names (and SQL words written like calls) a cached statement may contain: pure, row-local. */
const PURE_CALLS = new Set([
  'cast',
  'try_cast',
  'unnest',
  'any',
  'all',
  'in',
  'exists',
  'and',
  'or',
  'not',
  'when',
  'then',
  'else',
  'as',
  'from',
  'where',
  'select',
  'on',
  'using',
  'coalesce',
  'lower',
  'upper',
  'concat',
  'length',
  'substr',
  'substring',
  'left',
  'right',
  'trim',
  'replace',
  'abs',
  'round',
  'lg_keys',
]);
/** Words that read the clock or the session even without parentheses. */
const TIME_WORDS =
  /\b(current_\w+|now|today|localtime|localtimestamp|transaction_timestamp|get_current_\w+|random|uuid)\b/;

/** The statement with its string literals and quoted identifiers blanked out, lower case. */
function codeOf(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, ' ').toLowerCase();
}

/** Whether a statement's answer depends only on its text and the rows of the tables it reads. */
export function isCacheable(governed: Pick<GovernedQuery, 'sql' | 'tables'>): boolean {
  if (governed.tables.some((use) => use.at !== undefined)) return false;
  const code = codeOf(governed.sql);
  if (TIME_WORDS.test(code)) return false;
  for (const [, name] of code.matchAll(/([a-z_][a-z0-9_]*)\s*\(/g)) if (!PURE_CALLS.has(name!)) return false;
  return true;
}

interface CachedStatement {
  tableIds: readonly string[];
  /** Key → the row as read, or null when the caller cannot read it (filtered out, or gone). */
  rows: Map<string, GovernedRow | null>;
  chars: number;
}

function charsOf(row: GovernedRow | null): number {
  if (row === null) return 16;
  let chars = 16 + row.key.length;
  for (const value of row.values) chars += typeof value === 'string' ? value.length : valueChars(value);
  return chars;
}

function valueChars(value: Json): number {
  if (value === null || typeof value !== 'object') return 8;
  return JSON.stringify(value).length;
}

export interface GovernedRowCacheOptions {
  /** Rows kept over all statements (default 200,000). */
  maxRows?: number;
  /** Characters of values kept over all statements (default 64 Mi). */
  maxChars?: number;
}

export class GovernedRowCache {
  private readonly statements = new Map<string, CachedStatement>();
  private readonly epochs = new Map<string, number>();
  private rows = 0;
  private chars = 0;
  private readonly maxRows: number;
  private readonly maxChars: number;

  constructor(options: GovernedRowCacheOptions = {}) {
    this.maxRows = options.maxRows ?? 200_000;
    this.maxChars = options.maxChars ?? 64 * 1024 * 1024;
  }

  /** Called after every committed write to a table: nothing read from it before stays. */
  tableChanged(tableId: string): void {
    this.epochs.set(tableId, (this.epochs.get(tableId) ?? 0) + 1);
    for (const [sql, statement] of this.statements) {
      if (statement.tableIds.includes(tableId)) this.drop(sql, statement);
    }
  }

  /** Taken before a statement runs; `keep` compares it again. */
  epochOf(tableIds: readonly string[]): string {
    return tableIds.map((id) => this.epochs.get(id) ?? 0).join(',');
  }

  /** What is known for `keys` under `sql`: found rows, known-unreadable keys (null), and the keys to read. */
  lookup(
    sql: string,
    keys: readonly string[],
  ): { known: Map<string, GovernedRow | null>; missing: string[] } {
    const known = new Map<string, GovernedRow | null>();
    const statement = this.statements.get(sql);
    if (!statement) return { known, missing: [...keys] };
    this.statements.delete(sql);
    this.statements.set(sql, statement);
    const missing: string[] = [];
    for (const key of keys) {
      const row = statement.rows.get(key);
      if (row === undefined) missing.push(key);
      else known.set(key, row);
    }
    return { known, missing };
  }

  /**
   * Keeps what a statement returned for `keys` (a key without a row is kept as unreadable), unless a write
   * to one of its tables committed since `epoch` was taken.
   */
  keep(
    sql: string,
    tableIds: readonly string[],
    epoch: string,
    keys: readonly string[],
    found: ReadonlyMap<string, GovernedRow>,
  ): void {
    if (this.epochOf(tableIds) !== epoch) return;
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = { tableIds: [...tableIds], rows: new Map(), chars: 0 };
      this.statements.set(sql, statement);
    }
    for (const key of keys) {
      if (statement.rows.has(key)) continue;
      const row = found.get(key) ?? null;
      const chars = charsOf(row);
      statement.rows.set(key, row);
      statement.chars += chars;
      this.chars += chars;
      this.rows += 1;
    }
    // Over budget: the least recently used statements go (possibly this one, if it alone is too large).
    for (const [oldest, cached] of this.statements) {
      if (this.rows <= this.maxRows && this.chars <= this.maxChars) break;
      this.drop(oldest, cached);
    }
  }

  private drop(sql: string, statement: CachedStatement): void {
    this.statements.delete(sql);
    this.rows -= statement.rows.size;
    this.chars -= statement.chars;
  }
}
