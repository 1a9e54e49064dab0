// A real catalog (SQLite in a temporary folder) with an admin, a catalog `main` and schema `main.sales`,
// and GovernedTables over a DuckDB file on disk that a test can close and open again.

import { join } from 'node:path';
import type { Actor, Catalog } from '../../catalog/index.js';
import { DataEngine } from '../engine/index.js';
import { openDataTestCatalog } from '../test-support.js';
import { GovernedTables } from './governed-tables.js';

export interface TablesFixture {
  home: string;
  catalog: Catalog;
  engine: DataEngine;
  tables: GovernedTables;
  admin: Actor;
  user(name: string): Promise<Actor>;
  /** Closes the engine and opens the same DuckDB file again (as a restart would). */
  reopen(): Promise<void>;
  /** Rows of a query on the engine, as JSON. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export { actorOf } from '../test-support.js';

export function openEngine(home: string): Promise<DataEngine> {
  return DataEngine.open({ path: join(home, 'tables.duckdb'), stagingDir: join(home, 'staging') });
}

export async function tablesFixture(options: { retainVersions?: number } = {}): Promise<TablesFixture> {
  const base = await openDataTestCatalog('tables');
  const { home, catalog, admin: adminActor } = base;
  await catalog.securables.createCatalog(adminActor, 'main');
  await catalog.securables.createSchema(adminActor, 'main.sales');
  const fixture: TablesFixture = {
    home,
    catalog,
    engine: await openEngine(home),
    tables: undefined as unknown as GovernedTables,
    admin: adminActor,
    user: (name) => base.user(name),
    reopen: async () => {
      await fixture.engine.close();
      fixture.engine = await openEngine(home);
      fixture.tables = new GovernedTables({ catalog, engine: fixture.engine, ...options });
    },
    query: (sql) =>
      fixture.engine.withConnection(async (c) => (await c.runAndReadAll(sql)).getRowObjectsJson()),
    close: async () => {
      await fixture.engine.close();
      await base.close();
    },
  };
  fixture.tables = new GovernedTables({ catalog, engine: fixture.engine, ...options });
  return fixture;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}
