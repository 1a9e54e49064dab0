// The embedded backend: every index is a folder under `root` (`<home>/data/vectors`), served from memory by
// this process. One process owns an index at a time (the server); the engine hands out one instance per
// index so that all writers share its write chain.

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LakegateError } from '../../core/index.js';
import { type EmbeddedIndexOptions, EmbeddedVectorIndex } from './embedded-vector-index.js';
import { manifestPath, readIfExists } from './index-files.js';
import { type AnnParameters, DEFAULT_ANN } from './usearch-ann.js';
import { validateIndexId } from './validate-input.js';
import type { VectorEngine, VectorIndex, VectorIndexSpec } from './vector-engine.js';

export interface EmbeddedVectorEngineOptions {
  /** The folder holding one sub-folder per index: `<home>/data/vectors`. */
  root: string;
  /** Live vectors from which an index builds and queries an HNSW graph; below it, exact search. Default 20,000. */
  annThreshold?: number;
  /** HNSW parameters (usearch): connectivity 16, expansionAdd 128, expansionSearch 24 by default (measured: bench/retrieval). */
  ann?: Partial<AnnParameters>;
  /** Write-ahead log size that triggers a snapshot. Default 64 MiB. */
  walCheckpointBytes?: number;
  /**
   * Told when a background HNSW build fails (worker error, disk full). The index keeps answering with exact
   * search and the next write retries the build; the index's `annStatus()` reports the failure too.
   */
  onAnnBuildError?: (indexId: string, error: Error) => void;
}

export const DEFAULT_ANN_THRESHOLD = 20_000;

export function createEmbeddedVectorEngine(options: EmbeddedVectorEngineOptions): VectorEngine {
  const indexOptions: EmbeddedIndexOptions = {
    annThreshold: options.annThreshold ?? DEFAULT_ANN_THRESHOLD,
    ann: { ...DEFAULT_ANN, ...options.ann },
    walCheckpointBytes: options.walCheckpointBytes ?? 64 * 1024 * 1024,
    ...(options.onAnnBuildError === undefined ? {} : { onAnnBuildError: options.onAnnBuildError }),
  };
  const open = new Map<string, Promise<EmbeddedVectorIndex>>();
  const folder = (indexId: string) => {
    validateIndexId(indexId);
    return join(options.root, indexId);
  };

  function track(indexId: string, opening: Promise<EmbeddedVectorIndex>): Promise<EmbeddedVectorIndex> {
    open.set(indexId, opening);
    opening.catch(() => open.delete(indexId));
    return opening;
  }

  return {
    name: 'embedded (exact + usearch HNSW)',

    async createIndex(indexId: string, spec: VectorIndexSpec): Promise<VectorIndex> {
      const dir = folder(indexId);
      if (open.has(indexId) || (await readIfExists(manifestPath(dir))) !== undefined)
        throw new LakegateError('ALREADY_EXISTS', `Vector index "${indexId}" already exists.`, {
          details: { indexId },
        });
      return track(
        indexId,
        EmbeddedVectorIndex.create(indexId, dir, spec, indexOptions, () => open.delete(indexId)),
      );
    },

    openIndex(indexId: string): Promise<VectorIndex> {
      const dir = folder(indexId);
      const already = open.get(indexId);
      if (already !== undefined) return already;
      return track(
        indexId,
        EmbeddedVectorIndex.open(indexId, dir, indexOptions, () => open.delete(indexId)),
      );
    },

    async dropIndex(indexId: string): Promise<void> {
      const dir = folder(indexId);
      const opening = open.get(indexId);
      if (opening !== undefined) await (await opening).close();
      if ((await readIfExists(manifestPath(dir))) === undefined)
        throw new LakegateError('NOT_FOUND', `Vector index "${indexId}" does not exist.`, {
          details: { indexId },
        });
      await rm(dir, { recursive: true, force: true });
    },

    async close(): Promise<void> {
      const indexes = await Promise.allSettled([...open.values()]);
      for (const result of indexes) if (result.status === 'fulfilled') await result.value.close();
    },
  };
}
