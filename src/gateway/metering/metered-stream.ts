// A stream that meters itself as the client reads it: the time to its first event, the usage from its
// final metadata event, and exactly one record when it ends — read to the end (ok), failed (the error's
// code), or abandoned by a client that left (cancelled). A stream cut short records what had been
// streamed until then.

import { type ConverseRequest, nextThen, type StreamEvent } from '../../core/index.js';
import type { UsageRecord } from '../../observability/index.js';
import type { ModelRef } from '../model-ref.js';
import { clientLeft, type RouterCallOptions, type ServedBy } from '../router.js';
import { usageOfNativeBody } from './native-usage.js';
import { addUsage, type UsageMeter, usageStatusOf } from './usage-meter.js';

/**
 * Both the iterable and its one iterator (a stream is read once), so metering a stream costs this one
 * object. Canonical stream events carry their usage; native byte chunks (InvokeModelWithResponseStream)
 * may carry it in the last chunk.
 */
export class MeteredStream<T extends StreamEvent | Uint8Array> implements AsyncIterable<T>, AsyncIterator<T> {
  private iterator: AsyncIterator<T> | undefined;
  private ended = false;
  private streamedChars = 0;
  private sawUsage = false;
  /** A native stream's last chunk: Bedrock puts the call's token counts in it. */
  private lastChunk: Uint8Array | undefined;

  constructor(
    private readonly meter: UsageMeter,
    private readonly record: UsageRecord,
    private readonly source: AsyncIterable<T>,
    private readonly servedBy: ServedBy,
    private readonly ref: ModelRef | undefined,
    private readonly options: RouterCallOptions,
    private readonly input: Omit<ConverseRequest, 'modelId'> | undefined,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<T> {
    this.iterator ??= this.source[Symbol.asyncIterator]();
    return this;
  }

  /**
   * The source's next result, observed on its way through. One `then` per event rather than an async
   * method: that made a promise of its own and awaited another for every event of every stream.
   */
  next(): Promise<IteratorResult<T>> {
    this.iterator ??= this.source[Symbol.asyncIterator]();
    return nextThen(this.iterator, this.passed, this.failed);
  }

  private readonly passed = (result: IteratorResult<T>): IteratorResult<T> => {
    if (result.done) {
      if (!this.ended) this.end(clientLeft(this.options) ? 'cancelled' : 'ok');
    } else if (!this.ended) {
      this.observe(result.value);
    }
    return result;
  };

  private readonly failed = (error: unknown): Promise<never> => {
    if (!this.ended) this.end(usageStatusOf(error, this.options));
    return Promise.reject(error);
  };

  /** The consumer stopped reading (a client that left): record what it got, and let the source go. */
  async return(): Promise<IteratorResult<T>> {
    if (!this.ended) this.end('cancelled');
    await this.iterator?.return?.();
    return { done: true, value: undefined };
  }

  private observe(value: T): void {
    const record = this.record;
    if (record.ttftMs === null) record.ttftMs = Date.now() - record.time;
    if (value instanceof Uint8Array) {
      this.lastChunk = value;
      return;
    }
    const event = value as StreamEvent;
    switch (event.type) {
      case 'textDelta':
        this.streamedChars += event.text.length;
        break;
      case 'toolUseDelta':
        this.streamedChars += event.input.length;
        break;
      case 'reasoningDelta':
        this.streamedChars += event.text?.length ?? 0;
        break;
      case 'metadata':
        addUsage(record, event.usage);
        this.sawUsage = true;
        break;
      default:
    }
  }

  private end(status: string): void {
    this.ended = true;
    if (!this.sawUsage && this.lastChunk) {
      const usage = usageOfNativeBody(this.lastChunk, 'application/json');
      if (usage) {
        addUsage(this.record, usage);
        this.sawUsage = true;
      }
    }
    this.meter.streamEnded(
      this.record,
      status,
      this.ref,
      this.servedBy,
      this.streamedChars,
      this.sawUsage,
      this.input,
    );
  }
}
