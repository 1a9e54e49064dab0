// The embedded backend below its ANN threshold: every query is an exact scan.
import { createEmbeddedVectorEngine } from './embedded-vector-engine.js';
import { describeVectorEngine, embeddedLogFile } from './test-support.js';

describeVectorEngine('embedded, exact search', {
  make: (root) => createEmbeddedVectorEngine({ root, annThreshold: Number.POSITIVE_INFINITY }),
  approximate: false,
  logFile: embeddedLogFile,
});
