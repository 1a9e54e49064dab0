// The governed-retrieval services of one process, wired together once: the one embedded vector engine
// (`<home>/data/vectors`) and the services built on it. Like openGovernedData, nothing heavy happens
// here: indexes are opened on first use, and DuckDB (where index state lives) only when it is needed.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/index.js';
import type { GovernedData } from '../data/index.js';
import { createEmbeddedVectorEngine } from './engine/embedded-vector-engine.js';
import type { VectorEngine } from './engine/vector-engine.js';
import { VectorIndexes } from './indexes/vector-indexes.js';
import { KnowledgeBases } from './knowledge-bases/index.js';
import type { RetrievalModels } from './model-calls.js';

export interface GovernedRetrievalOptions {
  catalog: Catalog;
  data: GovernedData;
  models: RetrievalModels;
  /** The data folder (LAKEGATE_HOME): vectors go under `<home>/data/vectors`. */
  home?: string | null;
  /** Where vectors go when `home` is null (tests). */
  scratchDir?: string;
  /** Live vectors from which an index uses its HNSW graph (default: the engine's). */
  annThreshold?: number;
  /** Told when an index's HNSW graph could not be built (it keeps answering by exact search). */
  log?: (line: string) => void;
}

export interface GovernedRetrieval {
  engine: VectorEngine;
  /** Vector indexes: securables synced from governed tables or written by API, queried as the caller. */
  indexes: VectorIndexes;
  /** Knowledge bases over volume folders: ingestion jobs, retrieve and retrieveAndGenerate (docs/knowledge-bases.md). */
  knowledgeBases: KnowledgeBases;
  /** Waits for running syncs, then checkpoints and closes every open index. */
  close(): Promise<void>;
}

export function openRetrieval(options: GovernedRetrievalOptions): GovernedRetrieval {
  const base = options.home ? join(options.home, 'data') : options.scratchDir;
  if (!base) throw new Error('openRetrieval needs home or scratchDir.');
  const root = join(base, 'vectors');
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const engine = createEmbeddedVectorEngine({
    root,
    ...(options.annThreshold !== undefined ? { annThreshold: options.annThreshold } : {}),
    onAnnBuildError: (indexId, error) =>
      options.log?.(`retrieval: building the graph of vector index ${indexId} failed: ${error.message}`),
  });
  const indexes = new VectorIndexes({
    catalog: options.catalog,
    data: options.data,
    models: options.models,
    engine,
  });
  const knowledgeBases = new KnowledgeBases({
    catalog: options.catalog,
    volumes: options.data.volumes,
    engine,
    models: options.models,
    stateDir: join(base, 'knowledge-bases'),
  });
  return {
    engine,
    indexes,
    knowledgeBases,
    close: async () => {
      await knowledgeBases.close();
      await indexes.close();
      await engine.close();
      // The document parser pool is shared by the process and not closed here: its idle workers exit on
      // their own and never keep the process alive, and another server in this process may be parsing.
    },
  };
}
