// Embeddings through InvokeModel, whose body is each model family's own: Titan takes one text per call,
// Cohere takes batches of up to 96. Families we do not know are refused rather than guessed at.

import { z } from 'zod';
import { type EmbedRequest, type EmbedResponse, LakegateError } from '../../core/index.js';
import { type HeaderMap, parseJsonText } from '../http/index.js';
import type { CallOptions } from '../spec.js';
import type { BedrockHttp } from './bedrock-http.js';
import { mapWithConcurrency } from './map-with-concurrency.js';

const COHERE_BATCH = 96;
const TOKEN_COUNT_HEADER = 'x-amzn-bedrock-input-token-count';

const titanResponse = z.object({
  embedding: z.array(z.number()),
  inputTextTokenCount: z.number().nullish(),
});

const vectors = z.array(z.array(z.number()));
const cohereResponse = z.object({
  embeddings: z.union([vectors, z.object({ float: vectors.nullish() })]),
});

/** The base model id: ARNs and cross-region inference-profile prefixes (`us.`, `eu.`, ...) removed. */
function baseModelId(modelId: string): string {
  const last = modelId.split('/').at(-1) ?? modelId;
  return last.replace(/^(us|eu|apac|us-gov|ca|jp|au|global)\./, '');
}

function tokenCountHeader(headers: HeaderMap): number {
  const raw = headers[TOKEN_COUNT_HEADER];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(value) ? value : 0;
}

function unsupported(message: string, modelId: string): LakegateError {
  return new LakegateError('UNSUPPORTED_OPERATION', message, { details: { modelId } });
}

function titanBody(base: string, request: EmbedRequest, text: string): Record<string, unknown> {
  // Titan Text v1 (and its G1 name) accepts only inputText; the multimodal model sizes its output
  // through embeddingConfig; Text v2 and later take dimensions and normalize.
  if (base.startsWith('amazon.titan-embed-text-v1') || base.startsWith('amazon.titan-embed-g1-text')) {
    if (request.dimensions !== undefined)
      throw unsupported(
        `${request.modelId} has a fixed embedding size; dimensions cannot be set.`,
        request.modelId,
      );
    return { inputText: text };
  }
  if (base.startsWith('amazon.titan-embed-image')) {
    return {
      inputText: text,
      ...(request.dimensions !== undefined
        ? { embeddingConfig: { outputEmbeddingLength: request.dimensions } }
        : {}),
    };
  }
  return {
    inputText: text,
    ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}),
    normalize: true,
  };
}

function cohereBody(base: string, request: EmbedRequest, texts: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {
    texts,
    // Bedrock's Cohere models require an input type; stored documents are the common case.
    input_type: request.inputType ?? 'search_document',
    embedding_types: ['float'],
  };
  if (request.dimensions !== undefined) {
    if (!base.startsWith('cohere.embed-v4'))
      throw unsupported(
        `${request.modelId} has a fixed embedding size; dimensions cannot be set.`,
        request.modelId,
      );
    body['output_dimension'] = request.dimensions;
  }
  return body;
}

export async function bedrockEmbed(
  http: BedrockHttp,
  provider: string,
  concurrency: number,
  request: EmbedRequest,
  callOptions: CallOptions | undefined,
): Promise<EmbedResponse> {
  const base = baseModelId(request.modelId);
  const invoke = (body: Record<string, unknown>) =>
    http.callText({
      modelId: request.modelId,
      operation: 'invoke',
      body: JSON.stringify(body),
      contentType: 'application/json',
      accept: 'application/json',
      callOptions,
    });

  if (base.startsWith('amazon.titan-embed')) {
    const bodies = request.inputs.map((text) => titanBody(base, request, text));
    const results = await mapWithConcurrency(bodies, concurrency, async (body) => {
      const response = await invoke(body);
      const json = parseJsonText(provider, response.text, titanResponse);
      return {
        embedding: Float32Array.from(json.embedding),
        tokens: json.inputTextTokenCount ?? tokenCountHeader(response.headers),
      };
    });
    return {
      embeddings: results.map((r) => r.embedding),
      usage: { inputTokens: results.reduce((sum, r) => sum + r.tokens, 0) },
    };
  }

  if (base.startsWith('cohere.embed')) {
    const batches: string[][] = [];
    for (let i = 0; i < request.inputs.length; i += COHERE_BATCH)
      batches.push(request.inputs.slice(i, i + COHERE_BATCH));
    const bodies = batches.map((texts) => cohereBody(base, request, texts));
    const results = await mapWithConcurrency(bodies, concurrency, async (body, i) => {
      const response = await invoke(body);
      const json = parseJsonText(provider, response.text, cohereResponse);
      const floats = Array.isArray(json.embeddings) ? json.embeddings : json.embeddings.float;
      if (!floats || floats.length !== batches[i]?.length)
        throw new LakegateError(
          'MODEL_UPSTREAM_BAD_RESPONSE',
          `${provider} returned ${floats?.length ?? 0} float embeddings for ${batches[i]?.length} texts.`,
          { details: { provider, modelId: request.modelId } },
        );
      return {
        embeddings: floats.map((v) => Float32Array.from(v)),
        tokens: tokenCountHeader(response.headers),
      };
    });
    return {
      embeddings: results.flatMap((r) => r.embeddings),
      usage: { inputTokens: results.reduce((sum, r) => sum + r.tokens, 0) },
    };
  }

  throw unsupported(
    `Embeddings through Bedrock support the Titan and Cohere embedding families, not ${request.modelId}.`,
    request.modelId,
  );
}
