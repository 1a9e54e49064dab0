export { parseRetryAfterMs } from './retry-after.js';
export type { SseEvent } from './sse.js';
export { parseSse } from './sse.js';
export type { ErrorMessageOf, HeaderMap, UpstreamRequest, UpstreamResponse } from './upstream-http.js';
export {
  createUpstreamAgent,
  ensureOk,
  readBodyBytes,
  readBodyText,
  readJsonBody,
  sendUpstream,
  streamReadError,
  upstreamStatusError,
} from './upstream-http.js';
