// The physical side of managed tables, in the governed DuckDB. Each table is named by its securable id
// (renames and odd names never matter) in the `lakegate` schema:
//   lakegate."<id>"          the current rows, plus a hidden `_lg_version` (the version that wrote them),
//                            so reading the current version is a plain scan;
//   lakegate."<id>$history"  rows that a later version displaced, valid in [_lg_from, _lg_to);
//   lakegate.managed_tables  the declared columns and the oldest version still readable;
//   lakegate.table_versions  one record per version: operation, principal, time, row counts.
// Every write is one DuckDB transaction that changes the data and records its version together, so a
// failed or interrupted write leaves no rows and no version behind.

import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBValue, Json } from '@duckdb/node-api';
import { LakegateError, nowIso, validationError } from '../../core/index.js';
import { type DataEngine, sqlIdentifier } from '../engine/index.js';
import { duckdbTypeOf, parseUcType, ucTypeText } from './column-types.js';
import { type PreparedColumn, prepareColumns } from './row-values.js';
import type {
  ColumnSpec,
  StoredColumn,
  TableAt,
  TableOperation,
  TableVersion,
  WriteRequest,
  WriteResult,
} from './types.js';
import { explainSourceError, prepareSource } from './write-source.js';

export const HIDDEN_PREFIX = '_lg_';
const VERSION = '_lg_version';
const FROM = '_lg_from';
const TO = '_lg_to';
const TABLE_ID = /^[A-Za-z0-9_]{1,128}$/;
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const MAX_COLUMNS = 4096;

export interface TableStoreOptions {
  /** How many of the most recent versions stay readable (time travel); older displaced rows are pruned. */
  retainVersions?: number;
}

const OPERATION: Record<WriteRequest['mode'], TableOperation> = {
  append: 'WRITE',
  overwrite: 'OVERWRITE',
  merge: 'MERGE',
};

/** Checks declared columns and resolves their types both ways. */
export function storedColumnsOf(columns: readonly ColumnSpec[]): StoredColumn[] {
  if (!Array.isArray(columns) || columns.length === 0)
    throw validationError('A table needs at least one column.');
  if (columns.length > MAX_COLUMNS) throw validationError(`A table has at most ${MAX_COLUMNS} columns.`);
  const seen = new Set<string>();
  return columns.map((column) => {
    if (typeof column?.name !== 'string' || !COLUMN.test(column.name)) {
      throw validationError(
        `"${String(column?.name)}" is not a valid column name: letters, digits and underscores, not starting with a digit.`,
      );
    }
    if (column.name.toLowerCase().startsWith(HIDDEN_PREFIX)) {
      throw validationError(`Column names starting with "${HIDDEN_PREFIX}" are reserved ("${column.name}").`);
    }
    if (seen.has(column.name.toLowerCase()))
      throw validationError(`Column "${column.name}" is declared twice.`);
    seen.add(column.name.toLowerCase());
    const type = parseUcType(column.type);
    return {
      name: column.name,
      ucType: ucTypeText(type),
      duckdbType: duckdbTypeOf(type),
      nullable: column.nullable !== false,
    };
  });
}

function num(value: unknown): number {
  return Number(value ?? 0);
}

/** The first row of a query's answer as JSON values; undefined when it has none. */
async function firstRow(
  c: DuckDBConnection,
  sql: string,
  values?: DuckDBValue[],
): Promise<Record<string, Json> | undefined> {
  return (await c.runAndReadAll(sql, values)).getRowObjectsJson()[0];
}

export class TableStore {
  private readonly retain: number;
  private readonly columnCache = new Map<string, PreparedColumn[]>();
  /** Writes to one table run one after another (DuckDB would abort the second as a conflict). */
  private readonly queues = new Map<string, Promise<unknown>>();
  private ready: Promise<void> | undefined;

  constructor(
    private readonly engine: DataEngine,
    options: TableStoreOptions = {},
  ) {
    const retain = options.retainVersions ?? 20;
    if (!Number.isInteger(retain) || retain < 1)
      throw new Error('retainVersions must be a whole number ≥ 1.');
    this.retain = retain;
  }

  /**
   * At start-up, before any load: removes staged files a killed process left behind. The bookkeeping
   * tables are created on first use (init), so that a server no one asks for data does not open DuckDB.
   */
  async open(): Promise<void> {
    sweepStaging(this.engine.stagingDir);
  }

  /** Creates the bookkeeping tables once. */
  init(): Promise<void> {
    this.ready ??= this.engine.withConnection(async (c) => {
      await c.run('CREATE SCHEMA IF NOT EXISTS lakegate');
      await c.run(`CREATE TABLE IF NOT EXISTS lakegate.managed_tables (
        table_id VARCHAR PRIMARY KEY, columns VARCHAR NOT NULL, oldest_readable BIGINT NOT NULL,
        created_at VARCHAR NOT NULL)`);
      await c.run(`CREATE TABLE IF NOT EXISTS lakegate.table_versions (
        table_id VARCHAR NOT NULL, version BIGINT NOT NULL, operation VARCHAR NOT NULL,
        principal VARCHAR NOT NULL, committed_at VARCHAR NOT NULL, rows_added BIGINT NOT NULL,
        rows_removed BIGINT NOT NULL, rows_updated BIGINT NOT NULL, rows_total BIGINT NOT NULL,
        PRIMARY KEY (table_id, version))`);
    });
    return this.ready;
  }

  /** The current rows' table, quoted: FROM-able, and a plain scan. */
  currentRelation(tableId: string): string {
    return `lakegate.${sqlIdentifier(checkId(tableId))}`;
  }
  private historyRelation(tableId: string): string {
    return `lakegate.${sqlIdentifier(`${checkId(tableId)}$history`)}`;
  }

  private serialized<T>(tableId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(tableId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(tableId, settled);
    void settled.then(() => {
      if (this.queues.get(tableId) === settled) this.queues.delete(tableId);
    });
    return next;
  }

  /** Creates the physical tables and version 0, in one transaction. */
  async create(tableId: string, columns: readonly StoredColumn[], principal: string): Promise<void> {
    await this.init();
    const definitions = columns
      .map((c) => `${sqlIdentifier(c.name)} ${c.duckdbType}${c.nullable ? '' : ' NOT NULL'}`)
      .join(', ');
    const plain = columns.map((c) => `${sqlIdentifier(c.name)} ${c.duckdbType}`).join(', ');
    await this.serialized(tableId, () =>
      this.engine.transaction(async (c) => {
        await c.run(
          `CREATE TABLE ${this.currentRelation(tableId)} (${definitions}, ${VERSION} BIGINT NOT NULL)`,
        );
        await c.run(
          `CREATE TABLE ${this.historyRelation(tableId)} (${plain}, ${FROM} BIGINT NOT NULL, ${TO} BIGINT NOT NULL)`,
        );
        const now = nowIso();
        await c.run('INSERT INTO lakegate.managed_tables VALUES ($1, $2, 0, $3)', [
          tableId,
          JSON.stringify(columns),
          now,
        ]);
        await this.recordVersion(c, tableId, 0, 'CREATE TABLE', principal, now, [0, 0, 0, 0]);
      }),
    );
    this.columnCache.delete(tableId);
  }

  /** Removes the data, its history and its versions; nothing happens for a table without storage. */
  async drop(tableId: string): Promise<void> {
    await this.init();
    await this.serialized(tableId, () =>
      this.engine.transaction(async (c) => {
        await c.run(`DROP TABLE IF EXISTS ${this.currentRelation(tableId)}`);
        await c.run(`DROP TABLE IF EXISTS ${this.historyRelation(tableId)}`);
        await c.run('DELETE FROM lakegate.table_versions WHERE table_id = $1', [tableId]);
        await c.run('DELETE FROM lakegate.managed_tables WHERE table_id = $1', [tableId]);
      }),
    );
    this.columnCache.delete(tableId);
  }

  /** The ids of every table with storage. */
  async tableIds(): Promise<string[]> {
    await this.init();
    return this.engine.withConnection(async (c) =>
      (await c.runAndReadAll('SELECT table_id FROM lakegate.managed_tables ORDER BY table_id'))
        .getRowObjectsJson()
        .map((row) => String(row.table_id)),
    );
  }

  async exists(tableId: string): Promise<boolean> {
    return (await this.findColumns(tableId)) !== undefined;
  }

  private async findColumns(tableId: string): Promise<PreparedColumn[] | undefined> {
    await this.init();
    const cached = this.columnCache.get(tableId);
    if (cached) return cached;
    const row = await this.engine.withConnection((c) =>
      firstRow(c, 'SELECT columns FROM lakegate.managed_tables WHERE table_id = $1', [tableId]),
    );
    if (!row) return undefined;
    const columns = prepareColumns(JSON.parse(String(row.columns)) as StoredColumn[]);
    this.columnCache.set(tableId, columns);
    return columns;
  }

  /** The declared columns as stored (never the hidden ones). */
  async columns(tableId: string, fullName: string): Promise<StoredColumn[]> {
    const columns = await this.findColumns(tableId);
    if (!columns) throw noStorage(fullName);
    return columns.map(({ parsed: _parsed, ...column }) => column);
  }

  async write(
    tableId: string,
    fullName: string,
    principal: string,
    request: WriteRequest,
  ): Promise<WriteResult> {
    const columns = await this.findColumns(tableId);
    if (!columns) throw noStorage(fullName);
    const mode = request?.mode;
    if (typeof mode !== 'string' || !Object.hasOwn(OPERATION, mode)) {
      throw validationError('mode must be append, overwrite or merge.');
    }
    if (typeof request.source !== 'object' || request.source === null) {
      throw validationError('A write needs a source: rows, a file or a query.');
    }
    const keys = mode === 'merge' ? mergeKeys(request.keys, columns) : [];
    if (mode !== 'merge' && request.keys !== undefined && request.keys.length > 0) {
      throw validationError('keys apply to a merge only.');
    }
    const rename: [string, string][] = [
      [this.historyRelation(tableId), fullName],
      [`${tableId}$history`, fullName],
      [this.currentRelation(tableId), fullName],
      [tableId, fullName],
    ];
    return this.serialized(tableId, () =>
      this.engine.transaction(async (c) => {
        const source = await prepareSource(c, this.engine.stagingDir, columns, request.source);
        try {
          return await this.applyWrite(c, tableId, fullName, principal, mode, keys, columns, source.select);
        } catch (error) {
          throw explainSourceError(error, source, rename);
        } finally {
          source.cleanup();
        }
      }),
    );
  }

  private async applyWrite(
    c: DuckDBConnection,
    tableId: string,
    fullName: string,
    principal: string,
    mode: WriteRequest['mode'],
    keys: string[],
    columns: readonly PreparedColumn[],
    select: string,
  ): Promise<WriteResult> {
    const latest = await this.latestVersion(c, tableId);
    if (latest === undefined) throw noStorage(fullName);
    const version = latest + 1;
    const main = this.currentRelation(tableId);
    const history = this.historyRelation(tableId);
    const names = columns.map((col) => sqlIdentifier(col.name)).join(', ');
    let added = 0;
    let removed = 0;
    let updated = 0;
    if (mode === 'append') {
      added = (await c.run(`INSERT INTO ${main} SELECT *, ${version} FROM (${select})`)).rowsChanged;
    } else {
      // Materialise the source first: it may read this very table (INSERT OVERWRITE ... SELECT from itself).
      await c.run(`CREATE TEMP TABLE lg_source AS ${select}`);
      if (mode === 'overwrite') {
        removed = (await c.run(`INSERT INTO ${history} SELECT ${names}, ${VERSION}, ${version} FROM ${main}`))
          .rowsChanged;
        await c.run(`DELETE FROM ${main}`);
        added = (await c.run(`INSERT INTO ${main} SELECT *, ${version} FROM lg_source`)).rowsChanged;
      } else {
        await checkMergeSource(c, keys);
        const sameKeys = (left: string, right: string) =>
          keys.map((k) => `${left}.${sqlIdentifier(k)} = ${right}.${sqlIdentifier(k)}`).join(' AND ');
        const matches = `EXISTS (SELECT 1 FROM lg_source s WHERE ${sameKeys('s', 'm')})`;
        const matched = `EXISTS (SELECT 1 FROM ${main} AS m WHERE ${sameKeys('m', 's')})`;
        updated = num((await firstRow(c, `SELECT count(*) AS n FROM lg_source AS s WHERE ${matched}`))?.n);
        await c.run(
          `INSERT INTO ${history} SELECT ${names}, ${VERSION}, ${version} FROM ${main} AS m WHERE ${matches}`,
        );
        // Rows the table held twice under one key (appends do not check keys) collapse into the source's one.
        removed = (await c.run(`DELETE FROM ${main} AS m WHERE ${matches}`)).rowsChanged - updated;
        added =
          (await c.run(`INSERT INTO ${main} SELECT *, ${version} FROM lg_source`)).rowsChanged - updated;
      }
      await c.run('DROP TABLE lg_source');
    }
    const total = num((await firstRow(c, `SELECT count(*) AS n FROM ${main}`))?.n);
    await this.recordVersion(c, tableId, version, OPERATION[mode], principal, nowIso(), [
      added,
      removed,
      updated,
      total,
    ]);
    await this.prune(c, tableId, version);
    return { version, rowsAdded: added, rowsRemoved: removed, rowsUpdated: updated, rowsTotal: total };
  }

  /** Drops displaced rows that no retained version can see any more. */
  private async prune(c: DuckDBConnection, tableId: string, latest: number): Promise<void> {
    const oldest = Math.max(0, latest - this.retain + 1);
    if (oldest <= (await this.oldestReadable(c, tableId))) return;
    await c.run(`DELETE FROM ${this.historyRelation(tableId)} WHERE ${TO} <= ${oldest}`);
    await c.run('UPDATE lakegate.managed_tables SET oldest_readable = $1 WHERE table_id = $2', [
      oldest,
      tableId,
    ]);
  }

  private async recordVersion(
    c: DuckDBConnection,
    tableId: string,
    version: number,
    operation: TableOperation,
    principal: string,
    at: string,
    [added, removed, updated, total]: number[],
  ): Promise<void> {
    await c.run('INSERT INTO lakegate.table_versions VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      tableId,
      version,
      operation,
      principal,
      at,
      added!,
      removed!,
      updated!,
      total!,
    ]);
  }

  /** The newest version, or the newest committed by `asOf` (an ISO time); undefined when there is none. */
  private async latestVersion(
    c: DuckDBConnection,
    tableId: string,
    asOf?: string,
  ): Promise<number | undefined> {
    const row =
      asOf === undefined
        ? await firstRow(c, 'SELECT max(version) AS v FROM lakegate.table_versions WHERE table_id = $1', [
            tableId,
          ])
        : await firstRow(
            c,
            'SELECT max(version) AS v FROM lakegate.table_versions WHERE table_id = $1 AND committed_at <= $2',
            [tableId, asOf],
          );
    return row?.v === null || row?.v === undefined ? undefined : Number(row.v);
  }

  /** Every version, newest first. */
  async history(tableId: string, fullName: string): Promise<TableVersion[]> {
    if (!(await this.findColumns(tableId))) throw noStorage(fullName);
    return this.engine.withConnection(async (c) => {
      const oldest = await this.oldestReadable(c, tableId);
      const rows = (
        await c.runAndReadAll(
          `SELECT * FROM lakegate.table_versions WHERE table_id = $1 ORDER BY version DESC`,
          [tableId],
        )
      ).getRowObjectsJson();
      return rows.map((row) => ({
        version: num(row.version),
        operation: String(row.operation) as TableOperation,
        principal: String(row.principal),
        timestamp: String(row.committed_at),
        rowsAdded: num(row.rows_added),
        rowsRemoved: num(row.rows_removed),
        rowsUpdated: num(row.rows_updated),
        rowsTotal: num(row.rows_total),
        readable: num(row.version) >= oldest,
      }));
    });
  }

  private async oldestReadable(c: DuckDBConnection, tableId: string): Promise<number> {
    return num(
      (
        await firstRow(c, 'SELECT oldest_readable FROM lakegate.managed_tables WHERE table_id = $1', [
          tableId,
        ])
      )?.oldest_readable,
    );
  }

  /**
   * What changed after version `since`, keyed by `keyColumn` (as text): keys of current rows written by a
   * later version, and keys of rows a later version displaced (updated, deleted or overwritten; a key can
   * be in both). `undefined` when the kept history no longer reaches back to `since` (a full re-read is
   * needed). One transaction, so `version` is the latest version the answer is complete for.
   */
  async changesSince(
    tableId: string,
    fullName: string,
    keyColumn: string,
    since: number,
  ): Promise<{ version: number; changedKeys: string[]; removedKeys: string[] } | undefined> {
    const columns = await this.findColumns(tableId);
    if (!columns) throw noStorage(fullName);
    const key = columns.find((c) => c.name.toLowerCase() === keyColumn.toLowerCase());
    if (!key) throw validationError(`"${keyColumn}" is not a column of '${fullName}'.`);
    const keyText = `CAST(${sqlIdentifier(key.name)} AS VARCHAR)`;
    const keysOf = async (c: DuckDBConnection, sql: string) =>
      (await c.runAndReadAll(sql, [since])).getRows().map((row) => String(row[0]));
    return this.engine.transaction(async (c) => {
      const version = (await this.latestVersion(c, tableId)) ?? 0;
      // Displaced rows with _lg_to ≤ oldest_readable may have been pruned: history is complete after it.
      if (since < (await this.oldestReadable(c, tableId))) return undefined;
      const changedKeys = await keysOf(
        c,
        `SELECT DISTINCT ${keyText} FROM ${this.currentRelation(tableId)} WHERE ${VERSION} > $1 AND ${keyText} IS NOT NULL`,
      );
      const removedKeys = await keysOf(
        c,
        `SELECT DISTINCT ${keyText} FROM ${this.historyRelation(tableId)} WHERE ${TO} > $1 AND ${keyText} IS NOT NULL`,
      );
      return { version, changedKeys, removedKeys };
    });
  }

  /** FROM-able SQL for the table's declared columns, now or at an earlier version. */
  async relation(tableId: string, fullName: string, at: TableAt = {}): Promise<string> {
    const columns = await this.findColumns(tableId);
    if (!columns) throw noStorage(fullName);
    if (at.version === undefined && at.timestamp === undefined) return this.currentRelation(tableId);
    if (at.version !== undefined && at.timestamp !== undefined) {
      throw validationError('Give a version or a timestamp, not both.');
    }
    const version = await this.engine.withConnection(async (c) => {
      const latest = (await this.latestVersion(c, tableId)) ?? 0;
      let wanted: number;
      if (at.version !== undefined) {
        if (!Number.isInteger(at.version) || at.version < 0) {
          throw validationError('A version is a whole number ≥ 0.');
        }
        if (at.version > latest) {
          throw validationError(`'${fullName}' has no version ${at.version}; the latest is ${latest}.`);
        }
        wanted = at.version;
      } else {
        const when = new Date(String(at.timestamp));
        if (Number.isNaN(when.getTime())) throw validationError(`"${at.timestamp}" is not a timestamp.`);
        const atTime = await this.latestVersion(c, tableId, when.toISOString());
        if (atTime === undefined) {
          throw validationError(`'${fullName}' did not exist yet at ${when.toISOString()}.`);
        }
        wanted = atTime;
      }
      const oldest = await this.oldestReadable(c, tableId);
      if (wanted < oldest) {
        throw validationError(
          `Version ${wanted} of '${fullName}' is no longer kept; versions ${oldest} to ${latest} can be read.`,
        );
      }
      return wanted;
    });
    const names = columns.map((col) => sqlIdentifier(col.name)).join(', ');
    return `(SELECT ${names} FROM ${this.currentRelation(tableId)} WHERE ${VERSION} <= ${version} UNION ALL SELECT ${names} FROM ${this.historyRelation(tableId)} WHERE ${FROM} <= ${version} AND ${TO} > ${version})`;
  }
}

/** Files this module (and the upload route) stages: a random name, so nobody else's. */
const STAGED = /^(load|rows|upload)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.[a-z]+)?$/;

function sweepStaging(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (STAGED.test(name)) rmSync(join(dir, name), { force: true });
}

function checkId(tableId: string): string {
  if (!TABLE_ID.test(tableId)) throw new LakegateError('INTERNAL', 'A table id has an unexpected form.');
  return tableId;
}

function noStorage(fullName: string): LakegateError {
  return new LakegateError('UNSUPPORTED_OPERATION', `'${fullName}' has no managed storage to read or write.`);
}

function mergeKeys(keys: unknown, columns: readonly PreparedColumn[]): string[] {
  if (!Array.isArray(keys) || keys.length === 0)
    throw validationError('A merge needs keys: the columns that identify a row.');
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c.name]));
  const out: string[] = [];
  for (const key of keys) {
    const name = typeof key === 'string' ? byName.get(key.toLowerCase()) : undefined;
    if (!name) throw validationError(`Merge key "${String(key)}" is not a column of the table.`);
    if (out.includes(name)) throw validationError(`Merge key "${name}" is given twice.`);
    out.push(name);
  }
  return out;
}

/** A merge needs every source row to name one target row: no empty keys, no key twice. */
async function checkMergeSource(c: DuckDBConnection, keys: string[]): Promise<void> {
  const quoted = keys.map(sqlIdentifier);
  const nulls = await firstRow(
    c,
    `SELECT count(*) AS n FROM lg_source WHERE ${quoted.map((k) => `${k} IS NULL`).join(' OR ')}`,
  );
  if (num(nulls?.n) > 0) {
    throw validationError(`${num(nulls?.n)} source rows have no value in a merge key (${keys.join(', ')}).`);
  }
  const duplicate = await firstRow(
    c,
    `SELECT ${quoted.map((k) => `CAST(${k} AS VARCHAR) AS ${k}`).join(', ')}, count(*) AS lg_n FROM lg_source GROUP BY ALL HAVING count(*) > 1 LIMIT 1`,
  );
  if (duplicate) {
    const key = keys.map((k) => `${k}=${JSON.stringify(duplicate[k])}`).join(', ');
    throw validationError(
      `The source has ${num(duplicate.lg_n)} rows with the same key (${key}); a merge needs each key at most once.`,
    );
  }
}
