// POST /v1/embeddings. The openai package asks for base64 by default and decodes little-endian float32,
// so both encodings are served.

import { z } from 'zod';
import { type EmbedResponse, validationError } from '../../core/index.js';
import type { EmbedInput } from '../../gateway/index.js';
import { parseOrThrow } from '../http/validate.js';

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(2048),
    z.array(z.number()),
    z.array(z.array(z.number())),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).max(8192).optional(),
  user: z.string().optional(),
});

export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

export function fromOpenAIEmbeddings(body: unknown): { request: EmbeddingsRequest; input: EmbedInput } {
  const request = parseOrThrow(embeddingsRequestSchema, body);
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  if (inputs.length === 0 || inputs.some((x) => typeof x !== 'string')) {
    throw validationError('input: token arrays are not supported; send strings.', { param: 'input' });
  }
  if ((inputs as string[]).some((x) => x.length === 0)) {
    throw validationError('input: empty strings cannot be embedded.', { param: 'input' });
  }
  const input: EmbedInput = { inputs: inputs as string[] };
  if (request.dimensions !== undefined) input.dimensions = request.dimensions;
  return { request, input };
}

function base64OfFloats(vector: Float32Array): string {
  // Float32Array uses the platform's byte order; every platform Node supports is little-endian.
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

export function embeddingsResponseOf(
  request: EmbeddingsRequest,
  model: string,
  response: EmbedResponse,
): Record<string, unknown> {
  const base64 = request.encoding_format === 'base64';
  return {
    object: 'list',
    data: response.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? base64OfFloats(vector) : Array.from(vector),
    })),
    model,
    usage: { prompt_tokens: response.usage.inputTokens, total_tokens: response.usage.inputTokens },
  };
}
