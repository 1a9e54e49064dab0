// The ANN build worker: builds one usearch HNSW graph from the rows it is sent and saves it to a file, so
// that a build of 100k vectors (a minute on two cores) never runs on the event loop. One worker per build;
// it exits when the graph is saved. Rows are added in chunks: `Worker.terminate()` only takes effect when
// control returns to JavaScript, so chunks bound how long abandoning a build (close, compaction) waits.

import { availableParallelism } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { AnnBuildReply, AnnBuildRequest } from './ann-build-protocol.js';
import { UsearchAnn } from './usearch-ann.js';

const CHUNK_ROWS = 2_048;

const port = parentPort;
if (!port) throw new Error('ann-build-worker.js runs as a worker thread.');

function build(request: AnnBuildRequest): void {
  const { dimension, slots, rows } = request;
  const ann = new UsearchAnn(dimension, request.metric, request.parameters);
  const threads = request.parameters.buildThreads ?? Math.max(1, availableParallelism() - 1);
  if (request.base !== undefined) ann.load(request.base);
  ann.remove(request.remove);
  for (let start = 0; start < slots.length; start += CHUNK_ROWS) {
    const end = Math.min(slots.length, start + CHUNK_ROWS);
    ann.add(slots.subarray(start, end), rows.subarray(start * dimension, end * dimension), threads);
  }
  ann.save(request.output);
}

port.once('message', (request: AnnBuildRequest) => {
  let reply: AnnBuildReply;
  try {
    build(request);
    reply = { type: 'built' };
  } catch (error) {
    reply = { type: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
  port.close();
});
