// Minimal zod schemas of what the chat completions and embeddings endpoints return. Everything a
// compatible server may leave out is `.nullish()`: vLLM, Ollama, llama.cpp and the hosted clones all
// drop fields OpenAI always sends.

import { z } from 'zod';

// Reasoning fields are not part of OpenAI's schema; servers disagree on their shape, so a value that is
// not a string is ignored rather than failing the whole response.
const looseString = z.string().nullish().catch(null);

export const openAIUsageSchema = z.object({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().nullish() }).nullish(),
  // DeepSeek reports its prefix-cache hits here instead of in prompt_tokens_details.
  prompt_cache_hit_tokens: z.number().nullish(),
});
export type OpenAIUsage = z.infer<typeof openAIUsageSchema>;

export const openAIErrorBodySchema = z.object({
  message: z.string().nullish(),
  type: z.string().nullish(),
  param: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
});
export type OpenAIErrorBody = z.infer<typeof openAIErrorBodySchema>;

export const chatCompletionSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z.array(
    z.object({
      index: z.number().nullish(),
      message: z.object({
        content: z.string().nullish(),
        refusal: z.string().nullish(),
        // DeepSeek and vLLM before 0.9 say `reasoning_content`; newer vLLM, Ollama and OpenRouter `reasoning`.
        reasoning_content: looseString,
        reasoning: looseString,
        tool_calls: z
          .array(
            z.object({
              id: z.string().nullish(),
              function: z.object({ name: z.string(), arguments: z.string().nullish() }),
            }),
          )
          .nullish(),
      }),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: openAIUsageSchema.nullish(),
});
export type ChatCompletion = z.infer<typeof chatCompletionSchema>;

export const chatCompletionChunkSchema = z.object({
  choices: z
    .array(
      z.object({
        index: z.number().nullish(),
        delta: z
          .object({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            reasoning_content: looseString,
            reasoning: looseString,
            tool_calls: z
              .array(
                z.object({
                  index: z.number().nullish(),
                  id: z.string().nullish(),
                  function: z
                    .object({ name: z.string().nullish(), arguments: z.string().nullish() })
                    .nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: openAIUsageSchema.nullish(),
  // Groq reports streamed usage under its own key in the last chunk.
  x_groq: z.object({ usage: openAIUsageSchema.nullish() }).nullish(),
  error: openAIErrorBodySchema.nullish(),
});
export type ChatCompletionChunk = z.infer<typeof chatCompletionChunkSchema>;

export const embeddingsResponseSchema = z.object({
  data: z.array(
    z.object({
      index: z.number().nullish(),
      // A list of floats, or base64 of little-endian float32 when the server ignored encoding_format.
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number().nullish() }).nullish(),
});
export type EmbeddingsResponse = z.infer<typeof embeddingsResponseSchema>;

/** The `/rerank` answer of OpenAI-compatible servers (vLLM, llama.cpp, Jina, Together; Cohere's v2). */
export const rerankResponseSchema = z.object({
  results: z.array(z.object({ index: z.number().int(), relevance_score: z.number() })),
  usage: z.object({ total_tokens: z.number().nullish(), prompt_tokens: z.number().nullish() }).nullish(),
});
export type RerankResponseBody = z.infer<typeof rerankResponseSchema>;
