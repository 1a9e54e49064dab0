// Every store engine a shared suite runs against: SQLite in a temporary file, and PostgreSQL in a fresh
// database of the test cluster (skipped, visibly, where PostgreSQL is not installed).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store, type StoreOptions } from '../../src/store/index.js';
import { createTestDatabase, postgresAvailable } from './postgres.js';

export interface EngineCase {
  engine: 'sqlite' | 'postgres';
  available: boolean;
  /** Options for a brand-new empty store, and a cleanup for it. */
  fresh(): Promise<{ options: StoreOptions; cleanup(): Promise<void> }>;
}

export const ENGINES: EngineCase[] = [
  {
    engine: 'sqlite',
    available: true,
    fresh: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lakegate-store-'));
      return {
        options: { sqlitePath: join(dir, 'control.db') },
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    engine: 'postgres',
    get available() {
      return postgresAvailable();
    },
    fresh: async () => {
      const database = await createTestDatabase();
      return { options: { databaseUrl: database.url, maxConnections: 4 }, cleanup: database.drop };
    },
  },
];

/** Opens a fresh store of the engine; `close` also deletes it. */
export async function openFreshStore(engine: EngineCase): Promise<Store & { destroy(): Promise<void> }> {
  const { options, cleanup } = await engine.fresh();
  const store = await openStore(options);
  return {
    ...store,
    destroy: async () => {
      await store.close();
      await cleanup();
    },
  };
}
