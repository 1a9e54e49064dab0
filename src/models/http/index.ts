export { parseRetryAfterMs } from './retry-after.js';
export type { SseEvent } from './sse.js';
export { parseSse, parseSseBatches, SseParser } from './sse.js';
export type { BufferedUpstreamResponse } from './upstream-buffered.js';
export { sendUpstreamBuffered } from './upstream-buffered.js';
export type {
  ErrorMessageOf,
  HeaderMap,
  UpstreamRequest,
  UpstreamResponse,
  UpstreamTarget,
} from './upstream-http.js';
export {
  answerError,
  cancellationOf,
  createUpstreamAgent,
  isSuccessStatus,
  okText,
  parseJsonText,
  readBodyBytes,
  readBodyText,
  sendUpstream,
  streamReadError,
  upstreamStatusError,
  upstreamTarget,
} from './upstream-http.js';
export type { StreamedUpstreamResponse } from './upstream-stream.js';
export { sendUpstreamStream } from './upstream-stream.js';
