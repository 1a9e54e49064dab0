// A whole-body upstream call for answers read at once (a chat completion, not a stream): the bytes are
// collected straight from undici's dispatch into one string. `sendUpstream` + `readBodyText` make a
// Readable stream, an AsyncResource and the consume machinery for every call only to concatenate the
// same bytes; on the gateway's hot path that showed in profiles. Failures are classified exactly as
// there: connection and mid-body errors through connectionError, and the body of a non-2xx answer is
// read as text (empty if reading it fails) for upstreamStatusError.

import { type Dispatcher, errors as undiciErrors } from 'undici';
import { connectionError, type HeaderMap, type UpstreamRequest, upstreamTarget } from './upstream-http.js';

export interface BufferedUpstreamResponse {
  status: number;
  headers: HeaderMap;
  text: string;
}

const isOk = (status: number) => status >= 200 && status < 300;
const noop = () => undefined;
const NO_CHUNKS: Buffer[] = [];
const NO_HEADERS: HeaderMap = {};

class BufferingHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: HeaderMap = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private controller: Dispatcher.DispatchController | undefined;
  private onAbort: (() => void) | undefined;

  constructor(
    private signal: AbortSignal | undefined,
    private resolve: (response: BufferedUpstreamResponse) => void,
    private reject: (error: unknown) => void,
  ) {
    if (signal && !signal.aborted) {
      this.onAbort = () => this.controller?.abort(this.abortReason());
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** What undici's request() aborts with: the signal's reason (in practice always an Error). */
  private abortReason(): Error {
    return (this.signal?.reason as Error | undefined) ?? new undiciErrors.RequestAbortedError();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal?.aborted) controller.abort(this.abortReason());
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: HeaderMap): void {
    // 1xx answers are informational; the real one follows.
    if (status < 200) return;
    this.status = status;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  onResponseEnd(): void {
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    const response = { status: this.status, headers: this.headers, text: body.toString('utf8') };
    const { resolve } = this;
    this.release();
    resolve(response);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    // An error answer whose body could not be read still reports its status, without the body.
    const response = this.status !== 0 && !isOk(this.status);
    const { status, headers, resolve, reject } = this;
    this.release();
    if (response) resolve({ status, headers, text: '' });
    else reject(error);
  }

  /**
   * Stops following the signal and lets go of everything this call held. undici keeps its handler
   * reachable for a while after the call ends; holding the body, headers and callbacks until then
   * made them outlive two young-generation collections, so each call's data was promoted to the old
   * generation (measured: about a megabyte per scavenge under load, and the RSS that goes with it).
   */
  private release(): void {
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
    this.onAbort = undefined;
    this.signal = undefined;
    this.controller = undefined;
    this.chunks = NO_CHUNKS;
    this.headers = NO_HEADERS;
    this.resolve = noop;
    this.reject = noop;
  }
}

/** Sends the request and reads the whole answer; rejects with a LakegateError when the provider cannot be reached. */
export async function sendUpstreamBuffered(
  agent: Dispatcher,
  provider: string,
  request: UpstreamRequest,
): Promise<BufferedUpstreamResponse> {
  try {
    const { origin, path } = upstreamTarget(request.url);
    return await new Promise<BufferedUpstreamResponse>((resolve, reject) => {
      agent.dispatch(
        {
          origin,
          path,
          method: request.method ?? 'POST',
          headers: request.headers,
          body: request.body ?? null,
        },
        new BufferingHandler(request.signal, resolve, reject),
      );
    });
  } catch (error) {
    throw connectionError(provider, error);
  }
}
