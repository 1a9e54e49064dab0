// A whole-body upstream call for answers read at once (a chat completion, not a stream): the bytes are
// collected straight from undici's dispatch into one string. `sendUpstream` + `readBodyText` make a
// Readable stream, an AsyncResource and the consume machinery for every call only to concatenate the
// same bytes; on the gateway's hot path that showed in profiles. Failures are classified exactly as
// there: connection and mid-body errors through connectionError, and the body of a non-2xx answer is
// read as text (empty if reading it fails) for upstreamStatusError.

import type { Dispatcher } from 'undici';
import { dispatchUpstream, SignalFollowingHandler } from './signal-following-handler.js';
import { type HeaderMap, isSuccessStatus, type UpstreamRequest } from './upstream-http.js';

export interface BufferedUpstreamResponse {
  status: number;
  headers: HeaderMap;
  text: string;
}

const noop = () => undefined;
const NO_CHUNKS: Buffer[] = [];
const NO_HEADERS: HeaderMap = {};

class BufferingHandler extends SignalFollowingHandler {
  private status = 0;
  private headers: HeaderMap = {};
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(
    request: UpstreamRequest,
    private resolve: (response: BufferedUpstreamResponse) => void,
    private reject: (error: unknown) => void,
  ) {
    super(request);
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
    const response = this.status !== 0 && !isSuccessStatus(this.status);
    const { status, headers, resolve, reject } = this;
    this.release();
    if (response) resolve({ status, headers, text: '' });
    else reject(error);
  }

  /** Lets go of everything this call held (see SignalFollowingHandler.stopFollowingSignal). */
  private release(): void {
    this.stopFollowingSignal();
    this.chunks = NO_CHUNKS;
    this.headers = NO_HEADERS;
    this.resolve = noop;
    this.reject = noop;
  }
}

/** Sends the request and reads the whole answer; rejects with a LakegateError when the provider cannot be reached. */
export function sendUpstreamBuffered(
  agent: Dispatcher,
  provider: string,
  request: UpstreamRequest,
): Promise<BufferedUpstreamResponse> {
  return dispatchUpstream<BufferedUpstreamResponse>(
    agent,
    provider,
    request,
    (resolve, reject) => new BufferingHandler(request, resolve, reject),
  );
}
