import type { ServedBy } from '../../gateway/index.js';

/** Tells the client which model actually answered (traffic splits and fallbacks make it differ). */
export function servedByHeaders(servedBy: ServedBy): Record<string, string> {
  const headers: Record<string, string> = {
    'x-lakegate-served-model': servedBy.model,
    'x-lakegate-attempts': String(servedBy.attempts),
  };
  if (servedBy.endpoint) headers['x-lakegate-endpoint'] = servedBy.endpoint;
  return headers;
}
