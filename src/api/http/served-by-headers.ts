import type { ServedBy } from '../../gateway/index.js';

/** Tells the client which model actually answered (traffic splits and fallbacks make it differ). */
export function servedByHeaders(servedBy: ServedBy): Record<string, string> {
  return withServedBy({}, servedBy);
}

/** The same headers added to `headers` (one object per response instead of one per header group). */
export function withServedBy(headers: Record<string, string>, servedBy: ServedBy): Record<string, string> {
  headers['x-lakegate-served-model'] = servedBy.model;
  headers['x-lakegate-attempts'] = String(servedBy.attempts);
  if (servedBy.endpoint) headers['x-lakegate-endpoint'] = servedBy.endpoint;
  return headers;
}
