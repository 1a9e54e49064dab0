// One usage record per model call: who called what, which model answered, the tokens it took, how long
// it took and what it cost. Every field is always present (null where absent) so that records made on
// the hot path share one hidden class.

/** `ok`, `cancelled` (the client left), or the LakegateError code the call failed or was refused with. */
export type UsageStatus = string;

export const USAGE_OPERATIONS = [
  'converse',
  'converseStream',
  'embed',
  'rerank',
  'countTokens',
  'invoke',
  'invokeStream',
] as const;
export type UsageOperation = (typeof USAGE_OPERATIONS)[number];

export interface UsageRecord {
  /** When the call started, in epoch milliseconds. */
  time: number;
  requestId: string;
  principalId: string;
  principalName: string;
  /** The API key the call authenticated with. */
  keyId: string | null;
  operation: UsageOperation;
  /** The serving endpoint that governs the call: the endpoint named, or the provider of a direct call. */
  endpoint: string;
  /** The model id as the caller sent it (an endpoint name or `provider/model`). */
  requestedModel: string;
  /** The provider's model id that answered (or was tried last, when the call failed); '' if none was. */
  servedModel: string;
  /** The configured provider name that answered; '' if none was reached. */
  provider: string;
  /** Input tokens neither read from nor written to a prompt cache (Bedrock's semantics). */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  latencyMs: number;
  /** Time to the first streamed event; null for calls that do not stream. */
  ttftMs: number | null;
  status: UsageStatus;
  /** In US dollars from the price table; null when the model has no price. */
  costUsd: number | null;
  /** Answered from the response cache, with no upstream tokens spent. */
  cacheHit: boolean;
}

/** A record whose call has just started: everything but the identity is filled in when it ends. */
export function startedUsageRecord(
  time: number,
  requestId: string,
  principalId: string,
  principalName: string,
  keyId: string | null,
  operation: UsageOperation,
  requestedModel: string,
): UsageRecord {
  return {
    time,
    requestId,
    principalId,
    principalName,
    keyId,
    operation,
    endpoint: '',
    requestedModel,
    servedModel: '',
    provider: '',
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    latencyMs: 0,
    ttftMs: null,
    status: 'ok',
    costUsd: null,
    cacheHit: false,
  };
}
