// The one message the event loop sends an ANN build worker, and the one it gets back. A build starts from
// an optional saved graph (`base`, for a catch-up round after a long build), removes `remove`, adds
// `slots` with their `rows`, and saves the result to `output`. The arrays are transferred, not cloned.

import type { AnnParameters } from './usearch-ann.js';
import type { VectorMetric } from './vector-engine.js';

export interface AnnBuildRequest {
  dimension: number;
  metric: VectorMetric;
  parameters: AnnParameters;
  /** A graph file to start from; none builds from empty. */
  base?: string;
  /** Slots to remove from `base` before adding (records deleted or replaced while it was built). */
  remove: Uint32Array<ArrayBuffer>;
  slots: Uint32Array<ArrayBuffer>;
  /** `slots.length` stored rows, row i for slots[i]. */
  rows: Float32Array<ArrayBuffer>;
  /** Where the worker saves the finished graph. */
  output: string;
}

export type AnnBuildReply = { type: 'built' } | { type: 'failed'; message: string };
