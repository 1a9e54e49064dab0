// The governed-data services of one process, wired together once: the locked-down DuckDB engine and
// the services built on it. Each service is added here, so the server opens and closes them as one.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/index.js';
import { DataEngine } from './engine/index.js';
import { SqlGovernor } from './sql/index.js';
import { StatementService } from './statements/index.js';
import { GovernedTables } from './tables/index.js';
import { VolumeFiles } from './volumes/index.js';

export interface GovernedDataOptions {
  catalog: Catalog;
  /** The data folder (LAKEGATE_HOME); `null` keeps tables in memory (tests). */
  home: string | null;
  /** A scratch folder for staging and spilling when `home` is null. */
  scratchDir?: string;
  memoryLimit?: string;
  threads?: number;
  /** How many recent versions of a managed table time travel can read (default 20). */
  retainTableVersions?: number;
  /** The largest file one volume upload may write (default 5 GiB). */
  maxVolumeFileBytes?: number;
  /** A statement running longer is stopped (default 5 minutes). */
  statementTimeoutMs?: number;
  /** Statements running at once (default 4). */
  maxConcurrentStatements?: number;
}

export interface GovernedData {
  engine: DataEngine;
  /** Files of volumes, under `<data>/volumes/<volume id>/`. */
  volumes: VolumeFiles;
  /** Managed tables: storage, writes, versions and time travel. */
  tables: GovernedTables;
  /** The governed rewrite of user SQL (grants, row filters, column masks). */
  sql: SqlGovernor;
  /** SQL statements (Databricks Statement Execution semantics) run through the governed rewrite. */
  statements: StatementService;
  /** Flushes and closes everything, the engine last. */
  close(): Promise<void>;
}

export async function openGovernedData(options: GovernedDataOptions): Promise<GovernedData> {
  const base = options.home ? join(options.home, 'data') : options.scratchDir;
  if (!base) throw new Error('openGovernedData needs home or scratchDir.');
  // DuckDB creates its files with the process umask: the folder is what keeps them owner-only.
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const engine = await DataEngine.open({
    path: options.home ? join(base, 'tables.duckdb') : ':memory:',
    stagingDir: join(base, 'staging'),
    spillDir: join(base, 'spill'),
    ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
  });
  const volumes = new VolumeFiles({
    catalog: options.catalog,
    dir: join(base, 'volumes'),
    ...(options.maxVolumeFileBytes ? { maxFileBytes: options.maxVolumeFileBytes } : {}),
  });
  const tables = new GovernedTables({
    catalog: options.catalog,
    engine,
    ...(options.retainTableVersions ? { retainVersions: options.retainTableVersions } : {}),
  });
  try {
    await volumes.open();
    await tables.open();
  } catch (error) {
    await engine.close();
    throw error;
  }
  const sql = new SqlGovernor({ engine, catalog: options.catalog, relations: tables });
  const statements = new StatementService({
    engine,
    catalog: options.catalog,
    governor: sql,
    tables,
    ...(options.statementTimeoutMs ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
    ...(options.maxConcurrentStatements ? { maxConcurrent: options.maxConcurrentStatements } : {}),
  });
  return {
    engine,
    volumes,
    tables,
    sql,
    statements,
    close: async () => {
      await statements.close();
      await engine.close();
    },
  };
}
