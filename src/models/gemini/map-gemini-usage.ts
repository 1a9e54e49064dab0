import type { Usage } from '../../core/index.js';
import type { GeminiUsage } from './gemini-response-schema.js';

/**
 * Gemini's promptTokenCount includes the cached tokens; the canonical (Bedrock) usage counts cache
 * reads apart from inputTokens, so they are subtracted there and reported as cacheReadInputTokens.
 * Thinking tokens are billed as output, so they count in outputTokens.
 */
export function mapGeminiUsage(usage: GeminiUsage | null | undefined): Usage {
  const prompt = (usage?.promptTokenCount ?? 0) + (usage?.toolUsePromptTokenCount ?? 0);
  const cached = usage?.cachedContentTokenCount ?? 0;
  const output = (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0);
  const out: Usage = {
    inputTokens: Math.max(0, prompt - cached),
    outputTokens: output,
    totalTokens: usage?.totalTokenCount ?? prompt + output,
  };
  if (usage?.cachedContentTokenCount != null) out.cacheReadInputTokens = cached;
  return out;
}
