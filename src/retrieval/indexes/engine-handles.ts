// The engine indexes of vector indexes, opened, created and dropped one call at a time per index. A
// query may ask for an index while its first sync is creating it, or while a full re-sync drops and
// creates it again. The engine itself keeps one instance per index across concurrent creates and opens;
// what it does not order is a drop against them (an open landing mid-drop would find a half-removed
// folder), and a re-sync's drop-then-create must not interleave with a query's open. Serialising here
// orders all three.

import { LakegateError } from '../../core/index.js';
import type { VectorEngine, VectorIndex, VectorIndexSpec } from '../engine/vector-engine.js';

export class EngineHandles {
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(readonly engine: VectorEngine) {}

  private serial<T>(indexId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(indexId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(indexId, settled);
    void settled.then(() => {
      if (this.chains.get(indexId) === settled) this.chains.delete(indexId);
    });
    return next;
  }

  /** The engine index, or undefined when none was created yet (nothing indexed so far). */
  open(indexId: string): Promise<VectorIndex | undefined> {
    return this.serial(indexId, async () => {
      try {
        return await this.engine.openIndex(indexId);
      } catch (error) {
        if (error instanceof LakegateError && error.code === 'NOT_FOUND') return undefined;
        throw error;
      }
    });
  }

  create(indexId: string, spec: VectorIndexSpec): Promise<VectorIndex> {
    return this.serial(indexId, () => this.engine.createIndex(indexId, spec));
  }

  /** Drops the engine index if there is one. */
  drop(indexId: string): Promise<void> {
    return this.serial(indexId, async () => {
      try {
        await this.engine.dropIndex(indexId);
      } catch (error) {
        if (!(error instanceof LakegateError && error.code === 'NOT_FOUND')) throw error;
      }
    });
  }
}
