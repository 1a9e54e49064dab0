// Known OpenAI-compatible servers. A preset is only configuration: the OpenAI adapter serves them all.

import type { MaxTokensField } from '../openai/index.js';

export interface OpenAICompatiblePreset {
  baseUrl: string;
  /** The environment variable conventionally holding the key; local servers need none. */
  apiKeyEnv?: string;
  maxTokensField: MaxTokensField;
  /** Whether to send stream_options.include_usage (default true). */
  includeStreamUsage?: boolean;
  /** Whether the server reads PDFs sent as `file` content parts (default false). */
  pdfFileParts?: boolean;
}

export const OPENAI_COMPATIBLE_PRESETS = {
  vllm: { baseUrl: 'http://127.0.0.1:8000/v1', maxTokensField: 'max_tokens' },
  ollama: { baseUrl: 'http://127.0.0.1:11434/v1', maxTokensField: 'max_tokens' },
  llamacpp: { baseUrl: 'http://127.0.0.1:8080/v1', maxTokensField: 'max_tokens' },
  // Groq documents max_completion_tokens and keeps max_tokens only as a deprecated alias.
  groq: {
    baseUrl: 'https://api.groq.com/openai/v1',
    apiKeyEnv: 'GROQ_API_KEY',
    maxTokensField: 'max_completion_tokens',
  },
  together: {
    baseUrl: 'https://api.together.xyz/v1',
    apiKeyEnv: 'TOGETHER_API_KEY',
    maxTokensField: 'max_tokens',
  },
  // Mistral's schema does not list stream_options; it sends usage in the last chunk unasked.
  mistral: {
    baseUrl: 'https://api.mistral.ai/v1',
    apiKeyEnv: 'MISTRAL_API_KEY',
    maxTokensField: 'max_tokens',
    includeStreamUsage: false,
  },
  deepseek: {
    baseUrl: 'https://api.deepseek.com/v1',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    maxTokensField: 'max_tokens',
  },
  fireworks: {
    baseUrl: 'https://api.fireworks.ai/inference/v1',
    apiKeyEnv: 'FIREWORKS_API_KEY',
    maxTokensField: 'max_tokens',
  },
  // OpenRouter forwards `file` parts to models that read PDFs.
  openrouter: {
    baseUrl: 'https://openrouter.ai/api/v1',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    maxTokensField: 'max_tokens',
    pdfFileParts: true,
  },
} as const satisfies Record<string, OpenAICompatiblePreset>;

export type OpenAICompatiblePresetName = keyof typeof OPENAI_COMPATIBLE_PRESETS;
