export type { AnswerErrorOf } from './provider-call.js';
export { callForAnswer, callForStream } from './provider-call.js';
export { parseRetryAfterMs } from './retry-after.js';
export type { SseEvent } from './sse.js';
export { parseSse, SseParser } from './sse.js';
export type { BufferedUpstreamResponse } from './upstream-buffered.js';
export type {
  ErrorMessageOf,
  HeaderMap,
  UpstreamRequest,
  UpstreamResponse,
  UpstreamTarget,
} from './upstream-http.js';
export {
  answerError,
  createUpstreamAgent,
  isSuccessStatus,
  parseJsonText,
  readBodyBytes,
  readBodyText,
  sendUpstream,
  streamReadError,
  upstreamStatusError,
  upstreamTarget,
} from './upstream-http.js';
