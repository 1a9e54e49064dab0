// CREATE TABLE name AS SELECT and INSERT INTO|OVERWRITE name [(columns)] SELECT: the SELECT is governed like
// any query (the writer reads only what it may read, filtered and masked), the target is authorised by the
// tables service (CREATE TABLE on the schema, MODIFY on the table), and the write runs SQL the server
// generated around the rewritten SELECT. Lineage is recorded from what ran: table → table, and column →
// column where the SELECT makes it plain.

import type { DuckDBConnection } from '@duckdb/node-api';
import type { Actor, Catalog, Securable } from '../../catalog/index.js';
import { validationError } from '../../core/index.js';
import { type DataEngine, sqlIdentifier } from '../engine/index.js';
import { duckdbToUc } from '../tables/index.js';
import type { ClassifiedStatement } from './classify-statement.js';
import type { ColumnSource } from './column-lineage.js';
import type { GovernContext, GovernedQuery, SqlGovernor } from './sql-governor.js';
import { qualify } from './table-names.js';

/** What governed writes need from the managed-tables service (GovernedTables has it). */
export interface TableWriter {
  create(
    actor: Actor,
    fullName: string,
    spec: { columns: Array<{ name: string; type: string }> },
  ): Promise<Securable>;
  drop(actor: Actor, fullName: string): Promise<void>;
  checkWritable(actor: Actor, fullName: string): Promise<Securable>;
  write(
    actor: Actor,
    fullName: string,
    request: { mode: 'append' | 'overwrite'; source: { kind: 'query'; sql: string } },
  ): Promise<{ rowsAdded: number; rowsTotal: number; version: number }>;
}

export interface GovernedWriteResult {
  target: Securable;
  governed: GovernedQuery;
  rowsInserted: number;
  version: number;
}

const COLUMN = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export class GovernedWrites {
  constructor(
    private readonly options: {
      engine: DataEngine;
      catalog: Catalog;
      governor: SqlGovernor;
      tables: TableWriter;
    },
  ) {}

  async execute(
    actor: Actor,
    statement: Exclude<ClassifiedStatement, { kind: 'select' }>,
    context: GovernContext,
  ): Promise<GovernedWriteResult> {
    const targetName = qualify(statement.target, context);
    const { governor, tables, engine } = this.options;
    // Writes run the guarded form: the tables service runs the SQL, so there is no retry on error.
    const governed = await governor.govern(actor, statement.select, {
      ...context,
      parameters: new Set(),
      lineage: true,
      guard: 'always',
    });
    const shape = await engine.withConnection((c) => describe(c, governed.sql));
    if (statement.kind === 'create_table_as') {
      for (const column of shape) {
        if (!COLUMN.test(column.name)) {
          throw validationError(
            `Column "${column.name}" needs a simple name in CREATE TABLE AS: alias it with AS name.`,
          );
        }
      }
      const target = await tables.create(actor, targetName, {
        columns: shape.map((c) => ({ name: c.name, type: duckdbToUc(c.type).typeText })),
      });
      try {
        const written = await tables.write(actor, target.fullName, {
          mode: 'append',
          source: { kind: 'query', sql: governed.sql },
        });
        await this.recordLineage(
          actor,
          'CTAS',
          governed,
          target,
          shape.map((c) => c.name.toLowerCase()),
        );
        return { target, governed, rowsInserted: written.rowsAdded, version: written.version };
      } catch (error) {
        // Nothing half-done: a table whose first write failed is removed again.
        await tables.drop(actor, target.fullName).catch(() => undefined);
        throw error;
      }
    }
    const target = await tables.checkWritable(actor, targetName);
    const targetColumns = declared(target);
    let sql = governed.sql;
    let written = targetColumns;
    if (statement.columns) {
      const listed = statement.columns.map((c) => c.toLowerCase());
      for (const column of listed) {
        if (!targetColumns.includes(column))
          throw validationError(`Table '${target.fullName}' has no column "${column}".`);
      }
      if (new Set(listed).size !== listed.length)
        throw validationError('A column is listed twice in INSERT.');
      if (listed.length !== shape.length) {
        throw validationError(`INSERT lists ${listed.length} columns but the query returns ${shape.length}.`);
      }
      const inner = shape.map((_, i) => sqlIdentifier(`__lg_c${i}`)).join(', ');
      const projection = targetColumns
        .map((column) => {
          const at = listed.indexOf(column);
          return at === -1
            ? `NULL AS ${sqlIdentifier(column)}`
            : `${sqlIdentifier(`__lg_c${at}`)} AS ${sqlIdentifier(column)}`;
        })
        .join(', ');
      sql = `SELECT ${projection} FROM (${governed.sql}) AS __lg_in(${inner})`;
      written = listed;
    } else if (shape.length !== targetColumns.length) {
      throw validationError(
        `Table '${target.fullName}' has ${targetColumns.length} columns but the query returns ${shape.length}; list the columns to insert.`,
      );
    }
    const result = await tables.write(actor, target.fullName, {
      mode: statement.overwrite ? 'overwrite' : 'append',
      source: { kind: 'query', sql },
    });
    await this.recordLineage(actor, 'INSERT_SELECT', governed, target, written);
    return { target, governed, rowsInserted: result.rowsAdded, version: result.version };
  }

  private async recordLineage(
    actor: Actor,
    kind: 'CTAS' | 'INSERT_SELECT',
    governed: GovernedQuery,
    target: Securable,
    outputColumns: readonly string[],
  ): Promise<void> {
    const { lineage } = this.options.catalog;
    const base = {
      targetType: 'table',
      targetName: target.fullName,
      kind,
      principalId: actor.principalId,
      ...(actor.requestId ? { requestId: actor.requestId } : {}),
    };
    const sources = new Set(governed.tables.map((t) => t.table.fullName));
    for (const source of sources) await lineage.record({ ...base, sourceType: 'table', sourceName: source });
    const columns: ColumnSource[][] = governed.columnLineage ?? [];
    for (const [i, from] of columns.entries()) {
      const targetColumn = outputColumns[i];
      if (!targetColumn) continue;
      for (const source of from) {
        await lineage.record({
          ...base,
          sourceType: 'table',
          sourceName: source.table,
          sourceColumn: source.column,
          targetColumn,
        });
      }
    }
  }
}

async function describe(
  connection: DuckDBConnection,
  sql: string,
): Promise<Array<{ name: string; type: string }>> {
  const reader = await connection.runAndReadAll(`DESCRIBE ${sql}`);
  return reader
    .getRowObjectsJson()
    .map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
}

function declared(table: Securable): string[] {
  const columns = table.details.columns;
  return Array.isArray(columns)
    ? columns.map((c) => String((c as { name?: unknown }).name ?? '').toLowerCase())
    : [];
}
