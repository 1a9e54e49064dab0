// Token usage read from a native (InvokeModel) response body, best effort: the gateway passes these
// bodies through unparsed, so usage is read only once the call is over, from the fields the common
// model families report. A body it cannot read yields nothing, and the record keeps zero tokens.

import { isRecord, safeParseJson, type Usage } from '../../core/index.js';

/** Bodies larger than this are not parsed just for their usage. */
const MAX_PARSED_BYTES = 4 * 1024 * 1024;

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function usageOf(input: number, output: number, cacheRead: number, cacheWrite: number): Usage | undefined {
  if (input === 0 && output === 0 && cacheRead === 0 && cacheWrite === 0) return undefined;
  const usage: Usage = {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output + cacheRead + cacheWrite,
  };
  if (cacheRead) usage.cacheReadInputTokens = cacheRead;
  if (cacheWrite) usage.cacheWriteInputTokens = cacheWrite;
  return usage;
}

/** Usage from a parsed native body (Anthropic, Nova, OpenAI-style, Llama, Titan) or Bedrock's stream metrics. */
export function usageOfNativeJson(body: unknown): Usage | undefined {
  if (!isRecord(body)) return undefined;
  const metrics = body['amazon-bedrock-invocationMetrics'];
  if (isRecord(metrics)) {
    return usageOf(
      num(metrics.inputTokenCount),
      num(metrics.outputTokenCount),
      num(metrics.cacheReadInputTokenCount),
      num(metrics.cacheWriteInputTokenCount),
    );
  }
  const usage = body.usage;
  if (isRecord(usage)) {
    // Anthropic Messages (input excludes cache), Nova (camelCase), OpenAI-style (prompt includes cached).
    if ('input_tokens' in usage || 'output_tokens' in usage) {
      return usageOf(
        num(usage.input_tokens),
        num(usage.output_tokens),
        num(usage.cache_read_input_tokens),
        num(usage.cache_creation_input_tokens),
      );
    }
    if ('inputTokens' in usage || 'outputTokens' in usage) {
      return usageOf(
        num(usage.inputTokens),
        num(usage.outputTokens),
        num(usage.cacheReadInputTokenCount),
        num(usage.cacheWriteInputTokenCount),
      );
    }
    if ('prompt_tokens' in usage) {
      const cached = isRecord(usage.prompt_tokens_details)
        ? num(usage.prompt_tokens_details.cached_tokens)
        : 0;
      return usageOf(num(usage.prompt_tokens) - cached, num(usage.completion_tokens), cached, 0);
    }
  }
  if ('prompt_token_count' in body || 'generation_token_count' in body) {
    return usageOf(num(body.prompt_token_count), num(body.generation_token_count), 0, 0);
  }
  if ('inputTextTokenCount' in body && Array.isArray(body.results)) {
    const first: unknown = body.results[0];
    return usageOf(num(body.inputTextTokenCount), isRecord(first) ? num(first.tokenCount) : 0, 0, 0);
  }
  return undefined;
}

/** Usage from a native response body, when it is JSON and says. */
export function usageOfNativeBody(body: Uint8Array, contentType: string): Usage | undefined {
  if (!contentType.includes('json') || body.byteLength > MAX_PARSED_BYTES) return undefined;
  const parsed = safeParseJson(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  return parsed.ok ? usageOfNativeJson(parsed.value) : undefined;
}
