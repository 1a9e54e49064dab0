// A real catalog (SQLite in a temporary folder) with an admin, a catalog `main` and schema `main.sales`,
// and GovernedTables over a DuckDB file on disk that a test can close and open again.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Actor, type Catalog, type CatalogPrincipal, openCatalog } from '../../catalog/index.js';
import { openStore, type Store } from '../../store/index.js';
import { DataEngine } from '../engine/index.js';
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

export function actorOf(principal: CatalogPrincipal): Actor {
  return {
    principalId: principal.id,
    name: principal.name,
    kind: principal.kind === 'service' ? 'service' : 'user',
    isAdmin: principal.isAdmin,
  };
}

export function openEngine(home: string): Promise<DataEngine> {
  return DataEngine.open({ path: join(home, 'tables.duckdb'), stagingDir: join(home, 'staging') });
}

export async function tablesFixture(options: { retainVersions?: number } = {}): Promise<TablesFixture> {
  const home = mkdtempSync(join(tmpdir(), 'lakegate-tables-'));
  const store: Store = await openStore({ sqlitePath: join(home, 'control.db') });
  const catalog = openCatalog({ store, masterKey: randomBytes(32) });
  const { admin } = await catalog.identity.bootstrapAdmin({});
  await catalog.securables.ensureMetastore(admin.id);
  const adminActor = actorOf(admin);
  await catalog.securables.createCatalog(adminActor, 'main');
  await catalog.securables.createSchema(adminActor, 'main.sales');
  const fixture: TablesFixture = {
    home,
    catalog,
    engine: await openEngine(home),
    tables: undefined as unknown as GovernedTables,
    admin: adminActor,
    user: async (name) => actorOf(await catalog.identity.createPrincipal({ name, kind: 'user' }, admin.id)),
    reopen: async () => {
      await fixture.engine.close();
      fixture.engine = await openEngine(home);
      fixture.tables = new GovernedTables({ catalog, engine: fixture.engine, ...options });
    },
    query: (sql) =>
      fixture.engine.withConnection(async (c) => (await c.runAndReadAll(sql)).getRowObjectsJson()),
    close: async () => {
      await fixture.engine.close();
      await catalog.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
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
