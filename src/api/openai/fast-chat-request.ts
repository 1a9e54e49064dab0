// A fast check for the chat request almost every client sends: string contents, the usual settings, no
// tools. The zod schema (chatRequestSchema) stays the definition: this check only says yes to bodies
// that schema accepts and parses to the same values, and everything else goes to zod, which gives the
// same answer and the error message it always gave. Validating the whole body through zod cost more per
// request than translating it.

import { isRecord } from '../../core/index.js';
import type { ChatRequest } from './from-openai-chat.js';

/** The keys each role may carry on the fast path; any other key (or role) goes to zod. */
const MESSAGE_KEYS: Record<string, ReadonlySet<string>> = {
  system: new Set(['role', 'content']),
  developer: new Set(['role', 'content']),
  user: new Set(['role', 'content', 'name']),
  assistant: new Set(['role', 'content', 'name', 'reasoning_content']),
  tool: new Set(['role', 'content', 'tool_call_id']),
};

const isNullish = (value: unknown): value is null | undefined => value === null || value === undefined;

function isMessage(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const role = value['role'];
  const keys = typeof role === 'string' && Object.hasOwn(MESSAGE_KEYS, role) ? MESSAGE_KEYS[role] : undefined;
  if (!keys) return false;
  for (const key in value) {
    if (!keys.has(key)) return false;
    const item = value[key];
    switch (key) {
      case 'role':
        break;
      case 'content':
        // An assistant turn may have no content (null); every other role needs a string here.
        if (typeof item !== 'string' && !(role === 'assistant' && item === null)) return false;
        break;
      case 'reasoning_content':
        if (typeof item !== 'string' && item !== null) return false;
        break;
      default:
        // name, tool_call_id
        if (typeof item !== 'string') return false;
    }
  }
  // content is required except on assistant turns; tool turns need their call id.
  if (role !== 'assistant' && !Object.hasOwn(value, 'content')) return false;
  if (role === 'tool' && !Object.hasOwn(value, 'tool_call_id')) return false;
  return true;
}

const isPositiveInt = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 1;
const inRange = (value: unknown, max: number) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max;

function isStop(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (!Array.isArray(value) || value.length > 16) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

function isStreamOptions(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const key in value) {
    if (key !== 'include_usage' || typeof value[key] !== 'boolean') return false;
  }
  return true;
}

/** One known field; unknown fields pass (the schema is loose) and become warnings later. */
function isField(key: string, value: unknown): boolean {
  switch (key) {
    case 'model':
      return typeof value === 'string' && value.length > 0;
    case 'messages':
      if (!Array.isArray(value) || value.length === 0) return false;
      for (const message of value) if (!isMessage(message)) return false;
      return true;
    case 'max_tokens':
    case 'max_completion_tokens':
      return isNullish(value) || isPositiveInt(value);
    case 'temperature':
      return isNullish(value) || inRange(value, 2);
    case 'top_p':
      return isNullish(value) || inRange(value, 1);
    case 'n':
      return isNullish(value) || Number.isSafeInteger(value);
    case 'stream':
      return isNullish(value) || typeof value === 'boolean';
    case 'stop':
      return isNullish(value) || isStop(value);
    case 'stream_options':
      return isNullish(value) || isStreamOptions(value);
    case 'tools':
    case 'tool_choice':
    case '__proto__':
      // Tools take the full schema; __proto__ is a key zod leaves out of its copy.
      return false;
    default:
      return true;
  }
}

/** True only for a body chatRequestSchema accepts as it is; such a body can be used without a zod copy. */
export function isCommonChatRequest(body: unknown): body is ChatRequest {
  if (!isRecord(body)) return false;
  for (const key in body) if (!isField(key, body[key])) return false;
  return Object.hasOwn(body, 'model') && Object.hasOwn(body, 'messages');
}
