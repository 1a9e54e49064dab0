// The usage-store worker: owns the DuckDB usage store, so that its appends, commits and rollups run on
// this thread instead of the event loop that serves model calls (they were the event loop's single
// largest cost under load: bench/gateway's profile). Records arrive in batches; calls are answered by id.

import { parentPort, workerData } from 'node:worker_threads';
import { isLakegateError } from '../core/index.js';
import { UsageStore } from './usage-store.js';
import type { FromUsageWorker, ToUsageWorker, UsageWorkerCall, WorkerError } from './usage-store-protocol.js';

const port = parentPort;
if (!port) throw new Error('usage-store-worker.js runs as a worker thread.');

const send = (message: FromUsageWorker) => port.postMessage(message);
const errorOf = (error: unknown): WorkerError => ({
  message: error instanceof Error ? error.message : String(error),
  ...(isLakegateError(error) ? { code: error.code } : {}),
});

let store: UsageStore;
try {
  store = await UsageStore.open({
    ...workerData,
    onError: (error) => send({ type: 'write-failed', error: errorOf(error) }),
  });
} catch (error) {
  send({ type: 'failed', error: errorOf(error) });
  process.exit(0);
}

/** The counters after every write, so the event loop's /metrics never has to ask. */
let lastWritten = -1;
const statsTimer = setInterval(() => {
  const stats = store.stats();
  if (stats.written === lastWritten && stats.queued === 0) return;
  lastWritten = stats.written;
  send({ type: 'stats', stats });
}, 250);

async function answer(call: UsageWorkerCall): Promise<unknown> {
  switch (call.method) {
    case 'flush':
      return store.flush();
    case 'report':
      return store.report(call.query);
    case 'recent':
      return store.recent(call.limit, call.principalId);
    case 'close':
      clearInterval(statsTimer);
      await store.close();
      return undefined;
  }
}

port.on('message', (message: ToUsageWorker) => {
  if (message.type === 'records') {
    for (const record of message.records) store.record(record);
    return;
  }
  answer(message.call)
    .then(
      (value) => {
        // Counters first: a caller that awaited a flush reads them up to date.
        send({ type: 'stats', stats: store.stats() });
        send({ type: 'reply', id: message.id, value });
      },
      (error: unknown) => send({ type: 'rejected', id: message.id, error: errorOf(error) }),
    )
    // After the reply: closing the port ends the thread.
    .finally(() => {
      if (message.call.method === 'close') port.close();
    });
});
send({ type: 'ready' });
