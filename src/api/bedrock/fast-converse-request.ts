// A fast check for the Converse body almost every client sends: text blocks, an optional system prompt
// and inference settings. The zod schema (converseWire) stays the definition: this check only says yes
// to bodies it accepts and parses to the same values; anything else goes to zod, which answers as it
// always did, error messages included.

import { isRecord } from '../../core/index.js';

export interface CommonConverseBody {
  messages: Array<{ role: 'user' | 'assistant'; content: Array<Record<string, unknown>> }>;
  system?: Array<Record<string, unknown>>;
  inferenceConfig?: {
    maxTokens?: number;
    temperature?: number;
    topP?: number;
    stopSequences?: string[];
  };
}

/** `{ "text": "..." }` and nothing else: the one block shape the fast path takes. */
function isTextBlock(value: unknown): boolean {
  if (!isRecord(value)) return false;
  let keys = 0;
  for (const key in value) {
    if (key !== 'text' || typeof value[key] !== 'string') return false;
    keys++;
  }
  return keys === 1;
}

function isTextBlocks(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const block of value) if (!isTextBlock(block)) return false;
  return true;
}

function isMessage(value: unknown): boolean {
  if (!isRecord(value)) return false;
  let keys = 0;
  for (const key in value) {
    const item = value[key];
    if (key === 'role') {
      if (item !== 'user' && item !== 'assistant') return false;
    } else if (key !== 'content' || !isTextBlocks(item)) return false;
    keys++;
  }
  return keys === 2;
}

const inRange = (value: unknown, max: number) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max;

function isInferenceConfig(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const key in value) {
    const item = value[key];
    switch (key) {
      case 'maxTokens':
        if (!Number.isSafeInteger(item) || (item as number) < 1) return false;
        break;
      case 'temperature':
        if (!inRange(item, 2)) return false;
        break;
      case 'topP':
        if (!inRange(item, 1)) return false;
        break;
      case 'stopSequences':
        if (!Array.isArray(item) || item.length > 16 || item.some((s) => typeof s !== 'string')) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True only for a body converseWire accepts as it is, with text-only content and no tools. */
export function isCommonConverseBody(body: unknown): body is CommonConverseBody {
  if (!isRecord(body)) return false;
  for (const key in body) {
    const value = body[key];
    switch (key) {
      case 'messages':
        if (!Array.isArray(value) || value.length === 0) return false;
        for (const message of value) if (!isMessage(message)) return false;
        break;
      case 'system':
        if (!isTextBlocks(value)) return false;
        break;
      case 'inferenceConfig':
        if (!isInferenceConfig(value)) return false;
        break;
      default:
        // toolConfig, guardrailConfig, additional fields... and keys zod would drop: the schema decides.
        return false;
    }
  }
  return Object.hasOwn(body, 'messages');
}
