// What a scripted OpenAI-compatible upstream answers with, in the real wire format: a whole chat
// completion, and the SSE lines and responses of a streamed one.

import type { ScriptedResponse } from './scripted-server.js';

/** One `data:` line of a streamed chat completion. */
export function chatChunk(delta: object, finish: string | null = null): string {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-s',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'scripted-model',
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`;
}

/** A chat completion answering `text` (10 prompt and 5 completion tokens). */
export function chatReply(text: string): ScriptedResponse {
  return {
    body: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'scripted-model',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: text } }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    },
  };
}

/** A streamed answer of these text deltas, with `pauseMs` between them when given. */
export function chatStream(deltas: string[], pauseMs?: number): ScriptedResponse {
  return {
    headers: { 'content-type': 'text/event-stream' },
    chunks: [
      chatChunk({ role: 'assistant', content: '' }),
      ...deltas.flatMap((d) =>
        pauseMs === undefined ? [chatChunk({ content: d })] : [chatChunk({ content: d }), pauseMs],
      ),
      chatChunk({}, 'stop'),
      'data: [DONE]\n\n',
    ],
  };
}
