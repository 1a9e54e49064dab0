// A cheap upper-bound guess of a call's tokens, for the reservation a token limit takes before the call
// (the real usage replaces it at settle). It must be fast (it runs on every call) and should lean high
// rather than low: too low lets a burst overshoot the limit until the settles catch up; too high only
// holds back capacity for the length of the call. ~4 characters per token is the usual rule of thumb for
// English with BPE tokenizers; media get a flat size.

import type { ContentBlock, ConverseRequest, ToolResultContent } from '../../core/index.js';

/** Characters per token, the rule of thumb above (the meter estimates a cut-short stream's output by it too). */
export const CHARS_PER_TOKEN = 4;
/** What an image or a binary document is guessed at (providers charge ~1–2k tokens per image). */
const MEDIA_TOKENS = 1_600;
/** The output allowance when the request sets no maxTokens. */
export const DEFAULT_OUTPUT_ALLOWANCE = 1_024;

export interface EstimateOptions {
  /** Output tokens assumed when the request has no inferenceConfig.maxTokens. */
  defaultMaxTokens?: number;
}

/** Input (text length / 4, media flat) plus the most the call may generate. */
export function estimateTokens(
  request: Pick<ConverseRequest, 'system' | 'messages' | 'inferenceConfig' | 'toolConfig'>,
  options: EstimateOptions = {},
): number {
  let chars = 0;
  let media = 0;
  for (const block of request.system ?? []) if (block.type === 'text') chars += block.text.length;
  for (const message of request.messages) {
    for (const block of message.content) {
      const size = sizeOf(block);
      chars += size.chars;
      media += size.media;
    }
  }
  if (request.toolConfig) chars += JSON.stringify(request.toolConfig.tools).length;
  const output = request.inferenceConfig?.maxTokens ?? options.defaultMaxTokens ?? DEFAULT_OUTPUT_ALLOWANCE;
  return Math.ceil(chars / CHARS_PER_TOKEN) + media * MEDIA_TOKENS + output;
}

function sizeOf(block: ContentBlock | ToolResultContent): { chars: number; media: number } {
  switch (block.type) {
    case 'text':
    case 'reasoning':
      return { chars: block.text.length, media: 0 };
    case 'image':
      return { chars: 0, media: 1 };
    case 'document':
      return block.text !== undefined ? { chars: block.text.length, media: 0 } : { chars: 0, media: 1 };
    case 'toolUse':
      return { chars: block.name.length + (JSON.stringify(block.input) ?? '').length, media: 0 };
    case 'json':
      return { chars: (JSON.stringify(block.json) ?? '').length, media: 0 };
    case 'toolResult': {
      let chars = 0;
      let media = 0;
      for (const part of block.content) {
        const size = sizeOf(part);
        chars += size.chars;
        media += size.media;
      }
      return { chars, media };
    }
    case 'cachePoint':
      return { chars: 0, media: 0 };
  }
}

/** Embedding inputs: their text, nothing generated. */
export function estimateEmbedTokens(inputs: readonly string[]): number {
  let chars = 0;
  for (const text of inputs) chars += text.length;
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** A native body the gateway does not parse: its size is the input, plus the default output allowance. */
export function estimateNativeTokens(body: Uint8Array | string): number {
  return Math.ceil(body.length / CHARS_PER_TOKEN) + DEFAULT_OUTPUT_ALLOWANCE;
}
