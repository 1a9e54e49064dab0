// An Anthropic Message -> the canonical ConverseResponse.

import type { ContentBlock, ConverseResponse, Warning } from '../../core/index.js';
import { LakegateError } from '../../core/index.js';
import type { AnthropicKnownBlock, AnthropicMessageResponse } from './anthropic-schemas.js';
import { anthropicKnownBlockSchema, KNOWN_BLOCK_TYPES } from './anthropic-schemas.js';
import { toCanonicalUsage } from './anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

export function decodeBase64(data: string): Uint8Array {
  return new Uint8Array(Buffer.from(data, 'base64'));
}

/** A known block as canonical content. */
export function convertKnownBlock(block: AnthropicKnownBlock): ContentBlock {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool_use':
      return { type: 'toolUse', toolUseId: block.id, name: block.name, input: block.input ?? {} };
    case 'thinking':
      return block.signature
        ? { type: 'reasoning', text: block.thinking, signature: block.signature }
        : { type: 'reasoning', text: block.thinking };
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redacted: decodeBase64(block.data) };
  }
}

/** Parses one block of the response; unknown types return undefined, known types of the wrong shape throw. */
export function parseAnthropicBlock(
  provider: string,
  block: { type: string },
): AnthropicKnownBlock | undefined {
  if (!KNOWN_BLOCK_TYPES.has(block.type)) return undefined;
  const parsed = anthropicKnownBlockSchema.safeParse(block);
  if (parsed.success) return parsed.data;
  throw new LakegateError(
    'MODEL_UPSTREAM_BAD_RESPONSE',
    `${provider} returned a malformed ${block.type} block.`,
    {
      details: {
        provider,
        issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
      },
    },
  );
}

export function unsupportedBlockWarning(type: string): Warning {
  return {
    setting: `response.content.${type}`,
    message: `Anthropic returned a ${type} block, which has no canonical form; it was left out.`,
  };
}

export function convertFromAnthropicResponse(
  provider: string,
  response: AnthropicMessageResponse,
  latencyMs: number,
  requestWarnings: readonly Warning[],
): ConverseResponse {
  const warnings = [...requestWarnings];
  const content: ContentBlock[] = [];
  for (const block of response.content) {
    const known = parseAnthropicBlock(provider, block);
    if (known) content.push(convertKnownBlock(known));
    else warnings.push(unsupportedBlockWarning(block.type));
  }
  const out: ConverseResponse = {
    output: { message: { role: 'assistant', content } },
    stopReason: mapAnthropicStopReason(response.stop_reason),
    usage: toCanonicalUsage(response.usage),
    metrics: { latencyMs },
  };
  if (warnings.length > 0) out.warnings = warnings;
  return out;
}
