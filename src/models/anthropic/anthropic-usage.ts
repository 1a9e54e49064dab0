import type { Usage } from '../../core/index.js';
import type { AnthropicUsage } from './anthropic-schemas.js';

/**
 * Anthropic's `input_tokens` counts only the uncached input: tokens read from or written to the prompt
 * cache are reported beside it, not inside it. The canonical `inputTokens` keeps Anthropic's meaning, so
 * totalTokens = inputTokens + cacheReadInputTokens + cacheWriteInputTokens + outputTokens.
 */
export function toCanonicalUsage(usage: AnthropicUsage): Usage {
  const inputTokens = usage.input_tokens ?? 0;
  const outputTokens = usage.output_tokens ?? 0;
  const cacheRead = usage.cache_read_input_tokens ?? undefined;
  const cacheWrite = usage.cache_creation_input_tokens ?? undefined;
  const out: Usage = {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens + (cacheRead ?? 0) + (cacheWrite ?? 0),
  };
  if (cacheRead !== undefined) out.cacheReadInputTokens = cacheRead;
  if (cacheWrite !== undefined) out.cacheWriteInputTokens = cacheWrite;
  return out;
}

/** Streaming usage arrives in parts (message_start, then cumulative message_delta); later values win. */
export function mergeUsage(into: AnthropicUsage, next: AnthropicUsage | null | undefined): AnthropicUsage {
  if (!next) return into;
  const out = { ...into };
  for (const key of Object.keys(next) as Array<keyof AnthropicUsage>) {
    const value = next[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}
