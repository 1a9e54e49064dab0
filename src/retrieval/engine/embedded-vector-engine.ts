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

  /**
   * Holds the index's slot from the first moment (before anything is awaited), so that a second create or
   * open of the same id finds it; forgets it only if the slot still holds this very opening — a failed
   * open must not drop an instance that a later create or open has put there since.
   */
  function track(
    indexId: string,
    start: (forget: () => void) => Promise<EmbeddedVectorIndex>,
  ): Promise<EmbeddedVectorIndex> {
    const forget = () => {
      if (open.get(indexId) === opening) open.delete(indexId);
    };
    const opening = start(forget);
    open.set(indexId, opening);
    opening.catch(forget);
    return opening;
  }

  return {
    name: 'embedded (exact + usearch HNSW)',

    async createIndex(indexId: string, spec: VectorIndexSpec): Promise<VectorIndex> {
      const dir = folder(indexId);
      const exists = () =>
        new LakegateError('ALREADY_EXISTS', `Vector index "${indexId}" already exists.`, {
          details: { indexId },
        });
      // An open or create in flight decides first: if it succeeds, the index exists.
      for (let pending = open.get(indexId); pending !== undefined; pending = open.get(indexId)) {
        if (
          await pending.then(
            () => true,
            () => false,
          )
        )
          throw exists();
      }
      // Checked and claimed without an await in between: two concurrent creates cannot both pass.
      return track(indexId, async (forget) => {
        if ((await readIfExists(manifestPath(dir))) !== undefined) throw exists();
        return EmbeddedVectorIndex.create(indexId, dir, spec, indexOptions, forget);
      });
    },

    openIndex(indexId: string): Promise<VectorIndex> {
      const dir = folder(indexId);
      const already = open.get(indexId);
      if (already !== undefined) return already;
      return track(indexId, (forget) => EmbeddedVectorIndex.open(indexId, dir, indexOptions, forget));
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
