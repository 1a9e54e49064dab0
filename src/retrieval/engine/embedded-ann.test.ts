// The embedded backend with the HNSW graph from the first vector on (threshold 0), so every query of the
// shared suite goes through usearch, over-fetching and the exact fallback for selective filters.
import { createEmbeddedVectorEngine } from './embedded-vector-engine.js';
import { describeVectorEngine, embeddedLogFile } from './test-support.js';

describeVectorEngine('embedded, usearch HNSW', {
  make: (root) => createEmbeddedVectorEngine({ root, annThreshold: 0 }),
  approximate: true,
  logFile: embeddedLogFile,
});
