// The usage-store process: owns the DuckDB usage store, so that its appends, commits, rollups and reports
// run beside the gateway instead of in it. Its own process rather than a worker thread because DuckDB is
// most of what a gateway holds in memory (the library's pages, its buffers, a second V8 heap: about 60 MB
// idle, 85 MB under load, against ~115 MB for all the rest, bench/gateway), a 30-day report over millions of
// rows can take far more, and none of that should count against, or crash, the process serving model
// calls. Records arrive in batches over the IPC channel; calls are answered by id.
//
// Started by UsageStoreProcess (usage-store-process.ts) with its settings as the one argument. It leaves
// when told to close, and when the channel closes (the gateway died without telling it): it writes what it
// holds first either way.

import { isLakegateError } from '../core/index.js';
import { UsageStore } from './usage-store.js';
import {
  type FromUsageStore,
  type RemoteError,
  type ToUsageStore,
  type UsageStoreCall,
  type UsageStoreSettings,
  usageRecordOfRow,
} from './usage-store-protocol.js';

if (!process.send) throw new Error('usage-store-child.js runs as a child process with an IPC channel.');

const send = (message: FromUsageStore) => {
  // The channel may already be gone while the store closes after a disconnect: nobody is listening then.
  if (process.connected) process.send?.(message);
};
const errorOf = (error: unknown): RemoteError => ({
  message: error instanceof Error ? error.message : String(error),
  ...(isLakegateError(error) ? { code: error.code } : {}),
});

const settings = JSON.parse(process.argv[2] ?? '{}') as UsageStoreSettings;
let store: UsageStore;
try {
  store = await UsageStore.open({
    ...settings,
    onError: (error) => send({ type: 'write-failed', error: errorOf(error) }),
  });
} catch (error) {
  send({ type: 'failed', error: errorOf(error) });
  process.disconnect();
  process.exit(0);
}

/** The counters after every write, so the gateway's /metrics never has to ask. */
let lastWritten = -1;
const statsTimer = setInterval(() => {
  const stats = store.stats();
  if (stats.written === lastWritten && stats.queued === 0) return;
  lastWritten = stats.written;
  send({ type: 'stats', stats });
}, 250);

let closing: Promise<void> | undefined;
/** Writes what is queued and closes the database, once, however the end was asked for. */
function closeStore(): Promise<void> {
  clearInterval(statsTimer);
  closing ??= store.close();
  return closing;
}

async function answer(call: UsageStoreCall): Promise<unknown> {
  switch (call.method) {
    case 'flush':
      return store.flush();
    case 'report':
      return store.report(call.query);
    case 'recent':
      return store.recent(call.limit, call.principalId);
    case 'close':
      return closeStore();
  }
}

process.on('message', (message: ToUsageStore) => {
  if (message.type === 'records') {
    for (const row of message.rows) store.record(usageRecordOfRow(row));
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
    // After the reply: closing the channel ends the process (nothing else keeps it alive).
    .finally(() => {
      if (message.call.method === 'close' && process.connected) process.disconnect();
    });
});

/** Writes what it holds, then leaves. */
function closeAndExit(): void {
  closeStore().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}

// The gateway went away without a close (killed, crashed): keep what was handed over, then leave.
process.on('disconnect', closeAndExit);
// Started in its own process group, so a terminal's Ctrl-C reaches the gateway only, which closes this
// store in order. A signal sent to this process itself still ends it, after writing what it holds.
process.on('SIGINT', closeAndExit);
process.on('SIGTERM', closeAndExit);
send({ type: 'ready' });
