// Any OpenAI-compatible server: the OpenAI adapter with a preset's (or the caller's) settings.

import { LakegateError } from '../../core/index.js';
import { createOpenAIProvider, type OpenAIProviderOptions } from '../openai/index.js';
import type { ModelProvider } from '../spec.js';
import {
  OPENAI_COMPATIBLE_PRESETS,
  type OpenAICompatiblePreset,
  type OpenAICompatiblePresetName,
} from './presets.js';

export interface OpenAICompatibleProviderOptions
  extends Omit<OpenAIProviderOptions, 'organization' | 'project'> {
  /** Fills in baseUrl, the key's environment variable and the server's quirks; options given here win. */
  preset?: OpenAICompatiblePresetName;
  /** Where the preset's apiKeyEnv is looked up when apiKey is not given; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export function createOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions): ModelProvider {
  const { preset: presetName, env = process.env, ...rest } = options;
  const preset: OpenAICompatiblePreset | undefined =
    presetName === undefined ? undefined : OPENAI_COMPATIBLE_PRESETS[presetName];
  const baseUrl = options.baseUrl ?? preset?.baseUrl;
  if (!baseUrl) {
    throw new LakegateError(
      'CONFIG_INVALID',
      `The OpenAI-compatible provider "${options.name}" needs a baseUrl or a preset.`,
      { details: { provider: options.name } },
    );
  }
  const apiKey = options.apiKey ?? (preset?.apiKeyEnv ? env[preset.apiKeyEnv] : undefined);
  return createOpenAIProvider({
    ...rest,
    baseUrl,
    ...(apiKey ? { apiKey } : {}),
    maxTokensField: options.maxTokensField ?? preset?.maxTokensField ?? 'max_tokens',
    includeStreamUsage: options.includeStreamUsage ?? preset?.includeStreamUsage ?? true,
    pdfFileParts: options.pdfFileParts ?? preset?.pdfFileParts ?? false,
  });
}
