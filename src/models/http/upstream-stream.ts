// A streamed upstream call (SSE answers): the body's chunks go from undici's dispatch straight into a
// small async iterable. `sendUpstream` hands over a Readable stream whose async iterator, AsyncResource
// and event plumbing cost more per chunk than the parsing we do with them. Everything observable is as
// there: the body of a non-2xx answer is read whole as text (empty if reading it fails) for
// upstreamStatusError, failures before the answer are connectionError, a failure mid-body is thrown by
// the iterator as undici reports it, the signal aborts the call at any point, and a reader that stops
// early aborts the request (as destroying the Readable did). Reading pauses the connection when more
// than HIGH_WATER bytes wait unread.

import type { Dispatcher } from 'undici';
import { dispatchUpstream, SignalFollowingHandler } from './signal-following-handler.js';
import { undiciErrors } from './undici-parts.js';
import { type HeaderMap, isSuccessStatus, type UpstreamRequest } from './upstream-http.js';

export type StreamedUpstreamResponse =
  | { ok: true; status: number; headers: HeaderMap; body: AsyncIterable<Buffer> }
  | { ok: false; status: number; headers: HeaderMap; text: string };

/** Unread bytes at which the connection is paused (undici's own Readable uses the same). */
const HIGH_WATER = 64 * 1024;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

class StreamingHandler extends SignalFollowingHandler implements AsyncIterator<Buffer> {
  private status = 0;
  private headers: HeaderMap = {};
  private started = false;
  /** Chunks not read yet, and their size. */
  private queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private error: unknown;
  /** The reader waiting for the next chunk, if any. */
  private waiting:
    | { resolve: (r: IteratorResult<Buffer>) => void; reject: (error: unknown) => void }
    | undefined;

  constructor(
    request: UpstreamRequest,
    private resolveStart: (response: StreamedUpstreamResponse) => void,
    private rejectStart: (error: unknown) => void,
  ) {
    super(request);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: HeaderMap): void {
    // 1xx answers are informational; the real one follows.
    if (status < 200) return;
    this.status = status;
    this.headers = headers;
    this.started = true;
    if (isSuccessStatus(status)) this.resolveStart({ ok: true, status, headers, body: this });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const waiting = this.waiting;
    if (waiting && isSuccessStatus(this.status)) {
      this.waiting = undefined;
      waiting.resolve({ done: false, value: chunk });
      return;
    }
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (isSuccessStatus(this.status) && this.queued > HIGH_WATER) controller.pause();
  }

  onResponseEnd(): void {
    const { resolveStart, headers } = this;
    this.stopFollowingSignal();
    if (!isSuccessStatus(this.status)) {
      const text = Buffer.concat(this.queue, this.queued).toString('utf8');
      this.queue = [];
      resolveStart({ ok: false, status: this.status, headers, text });
      return;
    }
    this.ended = true;
    this.settleWaiting();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    const { resolveStart, rejectStart, headers } = this;
    this.stopFollowingSignal();
    if (!this.started) {
      rejectStart(error);
      return;
    }
    if (!isSuccessStatus(this.status)) {
      // An error answer whose body could not be read still reports its status, without the body.
      this.queue = [];
      resolveStart({ ok: false, status: this.status, headers, text: '' });
      return;
    }
    this.error = error;
    this.queue = [];
    this.queued = 0;
    this.settleWaiting();
  }

  next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.queue.shift();
    if (chunk !== undefined) {
      this.queued -= chunk.length;
      if (this.queued <= HIGH_WATER && this.controller?.paused) this.controller.resume();
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** The reader stopped early: the rest of the answer is not wanted, so the request is aborted. */
  return(): Promise<IteratorResult<Buffer>> {
    if (!this.ended && this.error === undefined) {
      this.error = new undiciErrors.RequestAbortedError();
      this.controller?.abort(this.error as Error);
    }
    this.stopFollowingSignal();
    this.queue = [];
    this.queued = 0;
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this;
  }

  private settleWaiting(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = undefined;
    if (this.error !== undefined) waiting.reject(this.error);
    else waiting.resolve(DONE);
  }

  /**
   * Also lets go of the start callbacks and the answer's headers once the call is over (undici's
   * controller, dropped by the base class, holds the raw headers; once the answer has ended there is
   * nothing left to pause or resume).
   */
  protected override stopFollowingSignal(): void {
    super.stopFollowingSignal();
    this.headers = NO_HEADERS;
    this.resolveStart = noop;
    this.rejectStart = noop;
  }
}

const noop = () => undefined;
const NO_HEADERS: HeaderMap = {};

/**
 * Sends the request; resolves with the body to iterate once a 2xx answer starts, or with the text of
 * an error answer. Rejects with a LakegateError when the provider cannot be reached.
 */
export function sendUpstreamStream(
  agent: Dispatcher,
  provider: string,
  request: UpstreamRequest,
): Promise<StreamedUpstreamResponse> {
  return dispatchUpstream<StreamedUpstreamResponse>(
    agent,
    provider,
    request,
    (resolve, reject) => new StreamingHandler(request, resolve, reject),
  );
}
