// The governed-data services of one process, wired together once: the locked-down DuckDB engine and
// the services built on it. Each service is added here, so the server opens and closes them as one.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/index.js';
import { DataEngine } from './engine/index.js';

export interface GovernedDataOptions {
  catalog: Catalog;
  /** The data folder (LAKEGATE_HOME); `null` keeps tables in memory (tests). */
  home: string | null;
  /** A scratch folder for staging and spilling when `home` is null. */
  scratchDir?: string;
  memoryLimit?: string;
  threads?: number;
}

export interface GovernedData {
  engine: DataEngine;
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
  return {
    engine,
    close: async () => {
      await engine.close();
    },
  };
}
