// InvokeModel embedding bodies in the two shapes Bedrock users send: Amazon Titan ({inputText}) and
// Cohere ({texts, input_type}). Either one reaches any embedding model through the canonical embed call,
// and the answer comes back in the shape the caller sent.

import { z } from 'zod';
import type { EmbeddingInputType, EmbedResponse } from '../../core/index.js';
import { isRecord } from '../../core/index.js';
import type { EmbedInput } from '../../gateway/index.js';
import { parseOrThrow } from '../http/validate.js';

const titanBody = z.object({
  inputText: z.string().min(1),
  dimensions: z.number().int().min(1).max(8192).optional(),
  normalize: z.boolean().optional(),
  embeddingTypes: z.array(z.literal('float')).optional(),
});

const cohereBody = z.object({
  texts: z.array(z.string().min(1)).min(1).max(96),
  input_type: z.enum(['search_document', 'search_query', 'classification', 'clustering']).optional(),
  truncate: z.enum(['NONE', 'START', 'END']).optional(),
  embedding_types: z.array(z.literal('float')).optional(),
});

export type EmbeddingBody =
  | { family: 'titan'; input: EmbedInput }
  | { family: 'cohere'; input: EmbedInput; texts: string[]; typed: boolean };

/** The embedding request in a body, or undefined when the body is not an embedding body. */
export function embeddingBodyOf(body: unknown): EmbeddingBody | undefined {
  if (!isRecord(body)) return undefined;
  if ('inputText' in body) {
    const titan = parseOrThrow(titanBody, body);
    const input: EmbedInput = { inputs: [titan.inputText] };
    if (titan.dimensions !== undefined) input.dimensions = titan.dimensions;
    return { family: 'titan', input };
  }
  if ('texts' in body) {
    const cohere = parseOrThrow(cohereBody, body);
    const input: EmbedInput = { inputs: cohere.texts };
    if (cohere.input_type) input.inputType = cohere.input_type as EmbeddingInputType;
    return { family: 'cohere', input, texts: cohere.texts, typed: cohere.embedding_types !== undefined };
  }
  return undefined;
}

export function embeddingResponseToWire(
  body: EmbeddingBody,
  response: EmbedResponse,
): Record<string, unknown> {
  const vectors = response.embeddings.map((e) => Array.from(e));
  if (body.family === 'titan') {
    return { embedding: vectors[0] ?? [], inputTextTokenCount: response.usage.inputTokens };
  }
  return body.typed
    ? {
        id: crypto.randomUUID(),
        texts: body.texts,
        embeddings: { float: vectors },
        response_type: 'embeddings_by_type',
      }
    : { id: crypto.randomUUID(), texts: body.texts, embeddings: vectors, response_type: 'embeddings_floats' };
}
