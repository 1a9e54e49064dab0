import type { StopReason } from '../../core/index.js';

const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'LANGUAGE',
]);

/**
 * Gemini says STOP both for a finished answer and for a turn that ends in function calls, and it
 * does not tell a stop sequence apart from a natural stop; the caller says whether calls were made.
 */
export function mapGeminiFinishReason(
  finishReason: string | null | undefined,
  sawToolCall: boolean,
): StopReason {
  switch (finishReason) {
    case 'MAX_TOKENS':
      return 'max_tokens';
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
      return 'malformed_tool_use';
    default:
      if (finishReason && FILTERED.has(finishReason)) return 'content_filtered';
      // STOP, OTHER, FINISH_REASON_UNSPECIFIED and reasons newer than this adapter.
      return sawToolCall ? 'tool_use' : 'end_turn';
  }
}
