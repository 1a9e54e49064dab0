// A UsageStore on a worker thread. `record` pushes onto a local array that is handed to the worker every
// few milliseconds in one message (one structured clone per batch, not per record); everything DuckDB
// does — appending, committing, rolling up, reporting — happens on the worker, off the event loop.

import { Worker } from 'node:worker_threads';
import { type ErrorCode, LakegateError } from '../core/index.js';
import type { UsageRecord } from './usage-record.js';
import type { UsageReportQuery, UsageReportRow } from './usage-report.js';
import type { UsageStorage, UsageStoreStats } from './usage-storage.js';
import type { UsageStoreOptions } from './usage-store.js';
import type { FromUsageWorker, ToUsageWorker, UsageWorkerCall, WorkerError } from './usage-store-protocol.js';

export interface UsageStoreThreadOptions extends UsageStoreOptions {
  /** Records are handed to the worker at least this often (default 20 ms), or at once past 512 queued. */
  handOffMs?: number;
}

const HAND_OFF_RECORDS = 512;

/**
 * The worker's module. Built code runs `dist/observability/usage-store-worker.js`; tests import this file
 * from src/ as TypeScript, which a worker thread cannot load, so they start the built one (the test setup
 * builds dist/ first).
 */
function workerUrl(): URL {
  const here = new URL(import.meta.url);
  if (!here.pathname.endsWith('.ts')) return new URL('./usage-store-worker.js', here);
  return new URL(
    here.href.replace(/\/src\/observability\/[^/]+\.ts$/, '/dist/observability/usage-store-worker.js'),
  );
}

function errorFrom(error: WorkerError): Error {
  return error.code ? new LakegateError(error.code as ErrorCode, error.message) : new Error(error.message);
}

export class UsageStoreThread implements UsageStorage {
  private pending: UsageRecord[] = [];
  private readonly calls = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private nextCall = 1;
  private workerStats: UsageStoreStats = { queued: 0, written: 0, dropped: 0, failedWrites: 0 };
  /** Records refused here (the queue was full, or the store closed). */
  private dropped = 0;
  private closed = false;
  /** Set while records wait for their hand-off: an idle gateway keeps no timer ticking. */
  private timer: NodeJS.Timeout | undefined;
  private readonly handOffMs: number;
  private readonly maxQueue: number;

  private constructor(
    private readonly worker: Worker,
    options: UsageStoreThreadOptions,
  ) {
    this.maxQueue = options.maxQueue ?? 200_000;
    const onError = options.onError ?? (() => undefined);
    worker.on('message', (message: FromUsageWorker) => {
      if (message.type === 'stats') this.workerStats = message.stats;
      else if (message.type === 'write-failed') onError(errorFrom(message.error));
      else if (message.type === 'reply' || message.type === 'rejected') {
        const call = this.calls.get(message.id);
        this.calls.delete(message.id);
        if (message.type === 'reply') call?.resolve(message.value);
        else call?.reject(errorFrom(message.error));
      }
    });
    worker.on('error', (error) => {
      onError(error);
      this.failAll(error);
    });
    worker.on('exit', () => this.failAll(new LakegateError('INTERNAL', 'The usage store has stopped.')));
    this.handOffMs = options.handOffMs ?? 20;
  }

  static async open(options: UsageStoreThreadOptions): Promise<UsageStoreThread> {
    const { onError: _onError, handOffMs: _handOffMs, ...settings } = options;
    const worker = new Worker(workerUrl(), { workerData: settings });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromUsageWorker) => {
        if (message.type !== 'ready' && message.type !== 'failed') return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        if (message.type === 'ready') resolve();
        else reject(errorFrom(message.error));
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    return new UsageStoreThread(worker, options);
  }

  record(record: UsageRecord): void {
    if (this.closed || this.pending.length + this.workerStats.queued >= this.maxQueue) {
      this.dropped++;
      return;
    }
    this.pending.push(record);
    if (this.pending.length >= HAND_OFF_RECORDS) this.handOff();
    else if (this.timer === undefined) {
      this.timer = setTimeout(this.handOffLater, this.handOffMs);
      this.timer.unref();
    }
  }

  private readonly handOffLater = () => {
    this.timer = undefined;
    this.handOff();
  };

  stats(): UsageStoreStats {
    const stats = this.workerStats;
    return { ...stats, queued: stats.queued + this.pending.length, dropped: stats.dropped + this.dropped };
  }

  async flush(): Promise<void> {
    await this.call({ method: 'flush' });
  }

  report(query: UsageReportQuery): Promise<UsageReportRow[]> {
    return this.call({ method: 'report', query }) as Promise<UsageReportRow[]>;
  }

  recent(limit: number, principalId?: string): Promise<UsageRecord[]> {
    const call: UsageWorkerCall =
      principalId === undefined ? { method: 'recent', limit } : { method: 'recent', limit, principalId };
    return this.call(call) as Promise<UsageRecord[]>;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.handOff();
    this.closed = true;
    try {
      await this.call({ method: 'close' }, true);
    } finally {
      await this.worker.terminate().catch(() => undefined);
    }
  }

  /** Calls the worker after handing it every record so far (messages arrive in order). */
  private call(call: UsageWorkerCall, closing = false): Promise<unknown> {
    if (this.closed && !closing) {
      return Promise.reject(new LakegateError('INTERNAL', 'The usage store is closed.'));
    }
    this.handOff();
    const id = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.post({ type: 'call', id, call });
    });
  }

  private handOff(): void {
    if (this.pending.length === 0) return;
    const records = this.pending;
    this.pending = [];
    this.post({ type: 'records', records });
  }

  private post(message: ToUsageWorker): void {
    this.worker.postMessage(message);
  }

  private failAll(error: Error): void {
    for (const call of this.calls.values()) call.reject(error);
    this.calls.clear();
  }
}
