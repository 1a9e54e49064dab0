// A UsageStore in a child process of its own (usage-store-child.ts: why a process). `record` pushes onto
// a local array that is handed to the child every few milliseconds in one message (one serialisation per
// batch, not per record); everything DuckDB does — appending, committing, rolling up, reporting — happens
// there, off the event loop and outside the gateway's memory. A process that stops is started again (after
// 1 s, doubling while it keeps stopping); records that arrive meanwhile wait here.

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ErrorCode, LakegateError } from '../core/index.js';
import type { UsageRecord } from './usage-record.js';
import type { UsageReportQuery, UsageReportRow } from './usage-report.js';
import type { UsageStorage, UsageStoreStats } from './usage-storage.js';
import type { UsageStoreOptions } from './usage-store.js';
import {
  type FromUsageStore,
  type RemoteError,
  type ToUsageStore,
  type UsageStoreCall,
  type UsageStoreSettings,
  usageRecordRow,
} from './usage-store-protocol.js';

export interface UsageStoreProcessOptions extends UsageStoreOptions {
  /** Records are handed to the child at least this often (default 20 ms), or at once past 512 queued. */
  handOffMs?: number;
  /** The first wait before starting a process that stopped (default 1 s; doubled while it keeps stopping). */
  restartDelayMs?: number;
}

const HAND_OFF_RECORDS = 512;
const MAX_RESTART_DELAY_MS = 60_000;
/** A process that ran this long before it stopped is restarted after the first delay again. */
const STABLE_AFTER_MS = 60_000;
const NO_STATS: UsageStoreStats = { queued: 0, written: 0, dropped: 0, failedWrites: 0 };

/**
 * The child's module. Built code runs `dist/observability/usage-store-child.js`; tests import this file
 * from src/ as TypeScript, which plain Node cannot load, so they start the built one (the test setup
 * builds dist/ first).
 */
function childModule(): string {
  const here = new URL(import.meta.url);
  if (!here.pathname.endsWith('.ts')) return fileURLToPath(new URL('./usage-store-child.js', here));
  return fileURLToPath(
    here.href.replace(/\/src\/observability\/[^/]+\.ts$/, '/dist/observability/usage-store-child.js'),
  );
}

function errorFrom(error: RemoteError): Error {
  return error.code ? new LakegateError(error.code as ErrorCode, error.message) : new Error(error.message);
}

/** Why the child could not start, or stopped: its exit code or signal. */
function exitError(code: number | null, signal: NodeJS.Signals | null): LakegateError {
  const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
  return new LakegateError('INTERNAL', `The usage store's process ${how}.`);
}

/** Starts the child and resolves once its store is open; rejects with the store's own error. */
async function startChild(settings: UsageStoreSettings): Promise<ChildProcess> {
  const child = fork(childModule(), [JSON.stringify(settings)], {
    // JSON over the channel (the default), with records as arrays: usage-store-protocol.ts says why.
    serialization: 'json',
    // Not the gateway's own flags (a test runner's loaders, say). A small young generation: the child
    // only unpacks batches and appends them, and V8's default (16 MB semi-spaces) held ~20 MB more
    // under load for no CPU gained (bench/gateway, 16 clients).
    execArgv: ['--max-semi-space-size=1'],
    // Its own process group: a terminal's Ctrl-C goes to the gateway, which closes the store in order.
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: FromUsageStore) => {
      if (message.type !== 'ready' && message.type !== 'failed') return;
      cleanUp();
      if (message.type === 'ready') resolve();
      else reject(errorFrom(message.error));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanUp();
      reject(exitError(code, signal));
    };
    const cleanUp = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', reject);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', reject);
  });
  return child;
}

export class UsageStoreProcess implements UsageStorage {
  /** Undefined while a process that stopped waits for its restart. */
  private child: ChildProcess | undefined;
  private childStartedAt = 0;
  private childExited: Promise<void> = Promise.resolve();
  private pending: UsageRecord[] = [];
  private readonly calls = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private nextCall = 1;
  /** The running child's counters (it sends them after its writes). */
  private childStats: UsageStoreStats = NO_STATS;
  /** The counters of the children before it, so that /metrics counters never go back after a restart. */
  private earlierStats: UsageStoreStats = NO_STATS;
  /** Records refused here: the queue was full, the store closed, or it closed while its process was down. */
  private dropped = 0;
  private closed = false;
  /** Set while records wait for their hand-off: an idle gateway keeps no timer ticking. */
  private timer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs: number;
  private readonly firstRestartDelayMs: number;
  private readonly handOffMs: number;
  private readonly maxQueue: number;
  private readonly onError: (error: unknown) => void;

  private constructor(
    private readonly settings: UsageStoreSettings,
    options: UsageStoreProcessOptions,
  ) {
    this.maxQueue = options.maxQueue ?? 200_000;
    this.onError = options.onError ?? (() => undefined);
    this.handOffMs = options.handOffMs ?? 20;
    this.firstRestartDelayMs = options.restartDelayMs ?? 1_000;
    this.restartDelayMs = this.firstRestartDelayMs;
  }

  static async open(options: UsageStoreProcessOptions): Promise<UsageStoreProcess> {
    const {
      onError: _onError,
      handOffMs: _handOffMs,
      restartDelayMs: _restartDelayMs,
      ...settings
    } = options;
    const store = new UsageStoreProcess(settings, options);
    store.attach(await startChild(settings));
    return store;
  }

  /** The store's process (undefined while it restarts): to find it on the machine, or to stop it in a test. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  record(record: UsageRecord): void {
    if (this.closed || this.pending.length + this.childStats.queued >= this.maxQueue) {
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
    const now = this.childStats;
    const before = this.earlierStats;
    return {
      queued: now.queued + this.pending.length,
      written: before.written + now.written,
      dropped: before.dropped + now.dropped + this.dropped,
      failedWrites: before.failedWrites + now.failedWrites,
    };
  }

  async flush(): Promise<void> {
    await this.call({ method: 'flush' });
  }

  report(query: UsageReportQuery): Promise<UsageReportRow[]> {
    return this.call({ method: 'report', query }) as Promise<UsageReportRow[]>;
  }

  recent(limit: number, principalId?: string): Promise<UsageRecord[]> {
    const call: UsageStoreCall =
      principalId === undefined ? { method: 'recent', limit } : { method: 'recent', limit, principalId };
    return this.call(call) as Promise<UsageRecord[]>;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.timer);
    clearTimeout(this.restartTimer);
    this.timer = undefined;
    this.handOff();
    this.closed = true;
    if (this.child === undefined) {
      // Stopped and not yet restarted: what it was waiting to be handed cannot be written now.
      this.dropped += this.pending.length;
      this.pending = [];
      return;
    }
    try {
      await this.call({ method: 'close' }, true);
    } finally {
      // It leaves by itself once it has answered (or at once, if it could not close the database).
      await this.childExited;
    }
  }

  /** From now on records and calls go to this child; what was kept while there was none goes first. */
  private attach(child: ChildProcess): void {
    this.child = child;
    this.childStartedAt = Date.now();
    child.on('message', (message: FromUsageStore) => {
      if (message.type === 'stats') this.childStats = message.stats;
      else if (message.type === 'write-failed') {
        const { message: why } = message.error;
        this.onError(errorFrom({ ...message.error, message: `writing records failed, will retry: ${why}` }));
      } else if (message.type === 'reply' || message.type === 'rejected') {
        const call = this.calls.get(message.id);
        this.calls.delete(message.id);
        if (message.type === 'reply') call?.resolve(message.value);
        else call?.reject(errorFrom(message.error));
      }
    });
    // A send on a channel the child has just closed reports here; 'exit' says what happened.
    child.on('error', () => undefined);
    this.childExited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.detach(exitError(code, signal));
        resolve();
      });
    });
    this.handOff();
  }

  /** The child has exited: fail what waited on it and, unless closing, start another. */
  private detach(error: LakegateError): void {
    this.child = undefined;
    this.failAll(error);
    // The records it still held went with it.
    const last = this.childStats;
    this.earlierStats = {
      queued: 0,
      written: this.earlierStats.written + last.written,
      dropped: this.earlierStats.dropped + last.dropped + last.queued,
      failedWrites: this.earlierStats.failedWrites + last.failedWrites,
    };
    this.childStats = NO_STATS;
    if (this.closed) return;
    if (Date.now() - this.childStartedAt >= STABLE_AFTER_MS) this.restartDelayMs = this.firstRestartDelayMs;
    this.onError(new LakegateError('INTERNAL', `${error.message} ${this.restartNotice()}`));
    this.restartLater();
  }

  private restartNotice(): string {
    return `Starting it again in ${(this.restartDelayMs / 1000).toFixed(1)} s.`;
  }

  private restartLater(): void {
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      startChild(this.settings).then(
        (child) => {
          // Closed while it was starting: it only has to close again.
          if (this.closed) child.send({ type: 'call', id: 0, call: { method: 'close' } });
          else this.attach(child);
        },
        (error: unknown) => {
          if (this.closed) return;
          const why = error instanceof Error ? error.message : String(error);
          this.onError(
            new LakegateError('INTERNAL', `The usage store did not start: ${why} ${this.restartNotice()}`),
          );
          this.restartLater();
        },
      );
    }, delay);
    this.restartTimer.unref();
  }

  /** Calls the child after handing it every record so far (messages arrive in order). */
  private call(call: UsageStoreCall, closing = false): Promise<unknown> {
    if (this.closed && !closing) {
      return Promise.reject(new LakegateError('INTERNAL', 'The usage store is closed.'));
    }
    if (this.child === undefined) {
      return Promise.reject(
        new LakegateError('INTERNAL', "The usage store's process has stopped; Lakegate is restarting it."),
      );
    }
    this.handOff();
    const id = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.child?.send({ type: 'call', id, call } satisfies ToUsageStore);
    });
  }

  /** Sends the records queued here to the child; while there is none they wait (up to `maxQueue`). */
  private handOff(): void {
    if (this.pending.length === 0 || this.child === undefined) return;
    const records = this.pending;
    this.pending = [];
    this.child.send({ type: 'records', rows: records.map(usageRecordRow) } satisfies ToUsageStore);
  }

  private failAll(error: Error): void {
    for (const call of this.calls.values()) call.reject(error);
    this.calls.clear();
  }
}
