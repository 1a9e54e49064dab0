// A knowledge base's index in the vector engine, opened once per job: created on the first vectors (their
// length is the embedding model's dimension), and absent until then (nothing to delete from).

import { isLakegateError, LakegateError } from '../../core/index.js';
import type { VectorEngine, VectorIndex } from '../engine/vector-engine.js';

export class IndexHandle {
  private index: VectorIndex | undefined;

  constructor(
    private readonly engine: VectorEngine,
    private readonly id: string,
  ) {}

  async existing(): Promise<VectorIndex | undefined> {
    if (this.index) return this.index;
    try {
      this.index = await this.engine.openIndex(this.id);
    } catch (error) {
      if (isLakegateError(error) && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
    return this.index;
  }

  async forDimension(dimension: number): Promise<VectorIndex> {
    const existing = await this.existing();
    if (existing) {
      if (existing.dimension !== dimension) {
        throw new LakegateError(
          'VALIDATION_FAILED',
          `The embedding model returned ${dimension}-dimensional vectors, but the knowledge base's index holds ${existing.dimension}: the model was changed; create a new knowledge base for it.`,
        );
      }
      return existing;
    }
    this.index = await this.engine.createIndex(this.id, { dimension, metric: 'cosine' });
    return this.index;
  }
}
