// One ANN build on a worker thread (ann-build-worker.ts), seen from the event loop: `finished` settles once
// the graph file is complete AND the worker has exited (so its copy of the rows is freed before the event
// loop loads the graph: one copy fewer at the peak); `abandon()` stops the worker and deletes the files the
// build owns. Either way no worker outlives it and no file is left behind.

import { rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { AnnBuildReply, AnnBuildRequest } from './ann-build-protocol.js';

/**
 * The worker's module. Built code runs `dist/retrieval/engine/ann-build-worker.js`; tests import this file
 * from src/ as TypeScript, which a worker thread cannot load, so they start the built one (the test setup
 * builds dist/ first).
 */
function workerUrl(): URL {
  const here = new URL(import.meta.url);
  if (!here.pathname.endsWith('.ts')) return new URL('./ann-build-worker.js', here);
  return new URL(
    here.href.replace(/\/src\/retrieval\/engine\/[^/]+\.ts$/, '/dist/retrieval/engine/ann-build-worker.js'),
  );
}

let runningWorkers = 0;

/** Build workers of this process that have not exited yet (for tests: no build may leave one behind). */
export function runningAnnBuildWorkers(): number {
  return runningWorkers;
}

export class AnnBuildThread {
  /** Resolves when `request.output` holds the finished graph; rejects when the build failed. */
  readonly finished: Promise<void>;
  private readonly worker: Worker;
  private readonly output: string;

  /** Starts the build. The request's arrays are transferred: the caller must not use them afterwards. */
  constructor(request: AnnBuildRequest) {
    this.output = request.output;
    this.worker = new Worker(workerUrl());
    const worker = this.worker;
    runningWorkers++;
    this.finished = new Promise<void>((resolve, reject) => {
      let reply: AnnBuildReply | undefined;
      worker.once('message', (message: AnnBuildReply) => {
        reply = message;
      });
      worker.once('error', (error) => {
        reply ??= { type: 'failed', message: error.message };
      });
      worker.once('exit', (exitCode) => {
        runningWorkers--;
        if (reply?.type === 'built') resolve();
        else
          reject(
            new Error(reply?.type === 'failed' ? reply.message : `the build worker exited (${exitCode})`),
          );
      });
    });
    // Nobody may be waiting when a build fails (the index only reacts); keep that from being "unhandled".
    this.finished.catch(() => undefined);
    try {
      worker.postMessage(request, [request.remove.buffer, request.slots.buffer, request.rows.buffer]);
    } catch (error) {
      void worker.terminate();
      throw error;
    }
  }

  /** Stops the worker (at its next chunk boundary) and deletes the output. Safe after `finished`, too. */
  async abandon(): Promise<void> {
    await this.worker.terminate();
    await rm(this.output, { force: true });
  }
}
