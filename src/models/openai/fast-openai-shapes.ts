// Fast checks for the usual shapes of a chat completion and of a stream chunk. The zod schemas in
// openai-schemas.ts stay the definition: these checks say yes only to values those schemas accept and
// parse to the same fields this adapter reads (extra fields, which zod would drop, are never read), and
// everything else — odd types, reasoning fields that are not strings, error chunks — goes through zod
// as before, so a malformed body is still MODEL_UPSTREAM_BAD_RESPONSE. Running the schemas on every
// response and every chunk cost more than translating them.

import { isRecord } from '../../core/index.js';
import type { ChatCompletion, ChatCompletionChunk } from './openai-schemas.js';

type Check = (value: unknown) => boolean;

const absent = (value: unknown) => value === undefined || value === null;
const optString: Check = (value) => absent(value) || typeof value === 'string';
const optNumber: Check = (value) => absent(value) || (typeof value === 'number' && Number.isFinite(value));
const optRecord = (value: unknown, check: (record: Record<string, unknown>) => boolean) =>
  absent(value) || (isRecord(value) && check(value));
const optArray = (value: unknown, check: Check) =>
  absent(value) || (Array.isArray(value) && value.every(check));

function isUsage(usage: Record<string, unknown>): boolean {
  return (
    optNumber(usage['prompt_tokens']) &&
    optNumber(usage['completion_tokens']) &&
    optNumber(usage['total_tokens']) &&
    optNumber(usage['prompt_cache_hit_tokens']) &&
    optRecord(usage['prompt_tokens_details'], (details) => optNumber(details['cached_tokens']))
  );
}

function isToolCall(value: unknown): boolean {
  if (!isRecord(value) || !optString(value['id'])) return false;
  const fn = value['function'];
  return isRecord(fn) && typeof fn['name'] === 'string' && optString(fn['arguments']);
}

function isMessage(message: Record<string, unknown>): boolean {
  return (
    optString(message['content']) &&
    optString(message['refusal']) &&
    // zod turns a reasoning field that is not a string into null; such bodies take the schema.
    optString(message['reasoning_content']) &&
    optString(message['reasoning']) &&
    optArray(message['tool_calls'], isToolCall)
  );
}

function isChoice(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const message = value['message'];
  return (
    optNumber(value['index']) && optString(value['finish_reason']) && isRecord(message) && isMessage(message)
  );
}

/** True only for a completion chatCompletionSchema accepts with the same fields. */
export function isCommonChatCompletion(value: unknown): value is ChatCompletion {
  return (
    isRecord(value) &&
    optString(value['id']) &&
    optString(value['model']) &&
    Array.isArray(value['choices']) &&
    value['choices'].every(isChoice) &&
    optRecord(value['usage'], isUsage)
  );
}

function isDeltaToolCall(value: unknown): boolean {
  return (
    isRecord(value) &&
    optNumber(value['index']) &&
    optString(value['id']) &&
    optRecord(value['function'], (fn) => optString(fn['name']) && optString(fn['arguments']))
  );
}

function isDelta(delta: Record<string, unknown>): boolean {
  return (
    optString(delta['content']) &&
    optString(delta['refusal']) &&
    optString(delta['reasoning_content']) &&
    optString(delta['reasoning']) &&
    optArray(delta['tool_calls'], isDeltaToolCall)
  );
}

function isChunkChoice(value: unknown): boolean {
  return (
    isRecord(value) &&
    optNumber(value['index']) &&
    optString(value['finish_reason']) &&
    optRecord(value['delta'], isDelta)
  );
}

/** True only for a chunk chatCompletionChunkSchema accepts with the same fields; error chunks take the schema. */
export function isCommonChatCompletionChunk(value: unknown): value is ChatCompletionChunk {
  return (
    isRecord(value) &&
    absent(value['error']) &&
    optArray(value['choices'], isChunkChoice) &&
    optRecord(value['usage'], isUsage) &&
    optRecord(value['x_groq'], (groq) => optRecord(groq['usage'], isUsage))
  );
}
