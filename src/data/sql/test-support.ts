// A governed-SQL world for tests: a real catalog on SQLite, a real locked-down DuckDB engine, and a
// RelationSource over plain DuckDB tables in their own schema (what the managed-tables service does for
// real), with helpers to create principals, groups, tables, grants and policies.

import { join } from 'node:path';
import type { Actor, Catalog, Securable } from '../../catalog/index.js';
import { DataEngine, sqlIdentifier } from '../engine/index.js';
import { openDataTestCatalog } from '../test-support.js';
import type { RelationSource, TimeTravel } from './relation-source.js';

export const PHYSICAL_SCHEMA = 'lg_physical';

/** Physical table name of a securable (and of its versions: `<name>__v<n>`). */
export const physicalName = (table: Securable, version?: number) =>
  `${PHYSICAL_SCHEMA}.${sqlIdentifier(`t_${table.id}${version === undefined ? '' : `__v${version}`}`)}`;

/** Tables stored as plain DuckDB tables; version n is a snapshot table created by `snapshot`. */
export class DuckDbRelations implements RelationSource {
  async relationFor(table: Securable, at?: TimeTravel): Promise<string> {
    return physicalName(table, at?.version);
  }
}

export interface SqlWorld {
  catalog: Catalog;
  engine: DataEngine;
  admin: Actor;
  relations: DuckDbRelations;
  user(name: string, ...groups: string[]): Promise<Actor>;
  group(name: string): Promise<void>;
  /** Creates `main.<schema>.<name>` with columns and rows (SQL VALUES text). */
  table(fullName: string, columns: Array<[string, string]>, rows: string): Promise<Securable>;
  /** Copies the table's current rows into version `n`. */
  snapshot(table: Securable, version: number): Promise<void>;
  grant(
    principal: string,
    type: 'catalog' | 'schema' | 'table',
    name: string,
    ...privileges: string[]
  ): Promise<void>;
  run(sql: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export async function openSqlWorld(): Promise<SqlWorld> {
  const base = await openDataTestCatalog('sql');
  const { home, catalog, admin } = base;
  const engine = await DataEngine.open({ path: ':memory:', stagingDir: join(home, 'staging') });
  const run = (sql: string) =>
    engine.withConnection(
      async (c) => (await c.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>,
    );
  await run(`CREATE SCHEMA ${PHYSICAL_SCHEMA}`);
  const created = new Set<string>();
  return {
    catalog,
    engine,
    admin,
    relations: new DuckDbRelations(),
    run,
    user: (name, ...groups) => base.user(name, ...groups),
    group: (name) => base.group(name),
    async table(fullName, columns, rows) {
      const [cat, schema] = fullName.split('.') as [string, string];
      if (!created.has(cat)) {
        await catalog.securables.createCatalog(admin, cat);
        created.add(cat);
      }
      if (!created.has(`${cat}.${schema}`)) {
        await catalog.securables.createSchema(admin, `${cat}.${schema}`);
        created.add(`${cat}.${schema}`);
      }
      const table = await catalog.securables.createObject(admin, 'table', fullName, {
        details: { columns: columns.map(([name, type]) => ({ name, type })) },
      });
      const defs = columns.map(([n, t]) => `${sqlIdentifier(n)} ${t}`).join(', ');
      await run(`CREATE TABLE ${physicalName(table)} (${defs})`);
      if (rows) await run(`INSERT INTO ${physicalName(table)} VALUES ${rows}`);
      return table;
    },
    async snapshot(table, version) {
      await run(`CREATE TABLE ${physicalName(table, version)} AS SELECT * FROM ${physicalName(table)}`);
    },
    async grant(principal, type, name, ...privileges) {
      await catalog.securables.updatePermissions(admin, type, name, [{ principal, add: privileges }]);
    },
    async close() {
      await engine.close();
      await base.close();
    },
  };
}
