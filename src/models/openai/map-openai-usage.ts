import type { Usage } from '../../core/index.js';
import type { OpenAIUsage } from './openai-schemas.js';

/**
 * OpenAI counts cached tokens inside prompt_tokens; the canonical usage follows Bedrock, where
 * inputTokens are the uncached ones and cache reads are counted apart (and in totalTokens), so cost
 * accounting can price the two differently without counting cached tokens twice.
 */
export function mapOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage {
  const prompt = usage?.prompt_tokens ?? 0;
  const outputTokens = usage?.completion_tokens ?? 0;
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? usage?.prompt_cache_hit_tokens ?? undefined;
  const out: Usage = {
    inputTokens: Math.max(0, prompt - (cached ?? 0)),
    outputTokens,
    totalTokens: usage?.total_tokens ?? prompt + outputTokens,
  };
  if (cached !== undefined) out.cacheReadInputTokens = cached;
  return out;
}
