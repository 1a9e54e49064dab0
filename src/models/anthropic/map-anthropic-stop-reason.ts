import type { StopReason } from '../../core/index.js';

/**
 * Anthropic stop_reason -> canonical. `pause_turn` (a server tool paused a long turn) ends this turn for
 * the caller, who may send the conversation back to continue it; `refusal` is the safety classifier.
 */
export function mapAnthropicStopReason(reason: string | null | undefined): StopReason {
  switch (reason) {
    case 'end_turn':
    case 'max_tokens':
    case 'stop_sequence':
    case 'tool_use':
    case 'model_context_window_exceeded':
      return reason;
    case 'refusal':
      return 'content_filtered';
    case 'pause_turn':
      return 'end_turn';
    default:
      return 'end_turn';
  }
}
