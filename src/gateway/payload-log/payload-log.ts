// Payload logging for the endpoints with an inference table (`endpoints.<name>.inferenceTable`): which
// calls are sampled, and a bounded queue of logged calls flushed to the sink every second, as soon as a
// batch's worth is queued, and on close.
// Nothing here waits on the hot path: `add` only queues, and a full queue drops (and counts) rather than
// grow without bound or slow the calls down while the table is slow.

import type { PayloadRow, PayloadSink } from './payload-row.js';

export interface PayloadLogOptions {
  /** Endpoint name → the share of its calls to log (0..1). Endpoints not named are never logged. */
  sampleRates: ReadonlyMap<string, number>;
  sink: PayloadSink;
  /** Calls queued at most; beyond, new ones are dropped (default 10,000). */
  maxQueued?: number;
  flushIntervalMs?: number;
  /**
   * Calls that make a batch: once this many are queued they are written without waiting for the timer
   * (default 500). Preparing a batch runs on the event loop, so a busy endpoint's second of calls in one
   * batch held every other request up for tens of milliseconds.
   */
  batchRows?: number;
  random?: () => number;
  /** Told when a batch could not be written or calls were dropped; never given payloads. */
  onError?: (message: string, error?: unknown) => void;
}

const DEFAULT_MAX_QUEUED = 10_000;
const DEFAULT_FLUSH_MS = 1000;
const DEFAULT_BATCH_ROWS = 500;

export class PayloadLog {
  private readonly sampleRates: ReadonlyMap<string, number>;
  private readonly sink: PayloadSink;
  private readonly maxQueued: number;
  private readonly batchRows: number;
  /** A flush asked for because a batch's worth was queued, and not yet started. */
  private fullBatchPending = false;
  private readonly random: () => number;
  private readonly onError: (message: string, error?: unknown) => void;
  private queue: PayloadRow[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** Calls dropped because the queue was full, since the last report. */
  private dropped = 0;

  constructor(options: PayloadLogOptions) {
    this.sampleRates = options.sampleRates;
    this.sink = options.sink;
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.batchRows = Math.max(1, options.batchRows ?? DEFAULT_BATCH_ROWS);
    this.random = options.random ?? Math.random;
    this.onError = options.onError ?? (() => undefined);
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? DEFAULT_FLUSH_MS);
    this.timer.unref();
  }

  /** Whether a call of this model id is logged: an endpoint with an inference table, at its sample rate. */
  sampled(modelId: string): boolean {
    const rate = this.sampleRates.get(modelId);
    if (rate === undefined || rate <= 0) return false;
    return rate >= 1 || this.random() < rate;
  }

  /** Queues a logged call (never waits); dropped when the queue is full or the log is closed. */
  add(row: PayloadRow): void {
    if (this.closed || this.queue.length >= this.maxQueued) {
      this.dropped++;
      return;
    }
    this.queue.push(row);
    if (this.queue.length >= this.batchRows && !this.fullBatchPending) {
      this.fullBatchPending = true;
      void this.flush();
    }
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Writes what is queued now, one batch at a time; resolves when it is written (or given up). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  private async writeBatch(): Promise<void> {
    this.fullBatchPending = false;
    if (this.dropped > 0) {
      this.onError(`payload log: ${this.dropped} call(s) not logged, the queue was full`);
      this.dropped = 0;
    }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    let failed: PayloadRow[];
    let error: unknown;
    try {
      failed = await this.sink.write(batch);
    } catch (thrown) {
      failed = batch;
      error = thrown;
    }
    if (failed.length === 0) return;
    // Put the rows back in front for the next flush while there is room, so a passing failure loses
    // nothing; a table that stays unwritable fills the queue, and then new calls are dropped.
    const room = Math.max(0, this.maxQueued - this.queue.length);
    if (!this.closed && room > 0) {
      this.queue = [...failed.slice(0, room), ...this.queue];
      this.dropped += Math.max(0, failed.length - room);
    } else this.dropped += failed.length;
    this.onError('payload log: writing a batch failed, will retry', error);
  }

  /** Stops the timer and writes what is left (once; a failure then is reported, not retried). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    this.closed = true;
    await this.flush();
    if (this.dropped > 0) this.onError(`payload log: ${this.dropped} call(s) not logged at shutdown`);
  }
}
