// The embeddings request body and the decoding of its answer (float lists or base64 float32).

import { type EmbedRequest, type EmbedResponse, LakegateError } from '../../core/index.js';
import type { EmbeddingsResponse } from './openai-schemas.js';

export function buildOpenAIEmbeddingsBody(request: EmbedRequest): Record<string, unknown> {
  // OpenAI embeddings have no input type (query vs document), so `inputType` has nothing to map to.
  return {
    model: request.modelId,
    input: request.inputs,
    encoding_format: 'float',
    ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
  };
}

export function parseOpenAIEmbeddings(
  provider: string,
  request: EmbedRequest,
  response: EmbeddingsResponse,
): EmbedResponse {
  if (response.data.length !== request.inputs.length) {
    throw badEmbeddings(provider, `${response.data.length} embeddings for ${request.inputs.length} inputs`);
  }
  // `index` says which input each vector belongs to; servers are not bound to answer in order.
  const ordered = response.data
    .map((item, position) => ({ index: item.index ?? position, embedding: item.embedding }))
    .sort((a, b) => a.index - b.index);
  const embeddings = ordered.map((item, position) => {
    if (item.index !== position) throw badEmbeddings(provider, `the embedding indexes are not 0..n-1`);
    return typeof item.embedding === 'string'
      ? decodeFloat32Base64(provider, item.embedding)
      : Float32Array.from(item.embedding);
  });
  return { embeddings, usage: { inputTokens: response.usage?.prompt_tokens ?? 0 } };
}

function decodeFloat32Base64(provider: string, text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength % 4 !== 0) throw badEmbeddings(provider, 'a base64 embedding is not whole float32s');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function badEmbeddings(provider: string, reason: string): LakegateError {
  return new LakegateError(
    'MODEL_UPSTREAM_BAD_RESPONSE',
    `${provider} returned unusable embeddings: ${reason}.`,
    {
      details: { provider },
    },
  );
}
