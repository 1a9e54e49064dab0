import type { StopReason } from '../../core/index.js';

/**
 * `stop` means end_turn even when a stop sequence ended the output: OpenAI does not say which, so
 * stop_sequence cannot be told apart. Some compatible servers (older Ollama, llama.cpp) answer `stop`
 * while returning tool calls; the calls decide, since the caller has to run them either way.
 */
export function mapOpenAIFinishReason(reason: string | null | undefined, hasToolCalls: boolean): StopReason {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'model_length': // Mistral: the context window, not max_tokens, ended the output.
      return 'model_context_window_exceeded';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'content_filtered';
    default:
      return hasToolCalls ? 'tool_use' : 'end_turn';
  }
}
