// Builds the provider instances from lakegate.yaml plus the environment. Providers whose credentials are
// in the environment under their usual names are enabled without any config (OPENAI_API_KEY,
// ANTHROPIC_API_KEY, GEMINI_API_KEY, AWS credentials or AWS_BEARER_TOKEN_BEDROCK); `local` always is.

import { LakegateError, type ProviderConfig } from '../core/index.js';
import { createAnthropicProvider } from './anthropic/index.js';
import { createBedrockProvider } from './bedrock/index.js';
import { createGeminiProvider } from './gemini/index.js';
import { createLocalProvider } from './local/index.js';
import { createLocalOnnxProvider } from './local-onnx/index.js';
import { createOpenAIProvider } from './openai/index.js';
import { createOpenAICompatibleProvider, OPENAI_COMPATIBLE_PRESETS } from './openai-compatible/index.js';
import type { ModelProvider } from './spec.js';

export type Env = Readonly<Record<string, string | undefined>>;

function secret(env: Env, name: string | undefined, fallback: string): string | undefined {
  return env[name ?? fallback] || undefined;
}

function optional<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value;
}

function bedrockFrom(
  name: string,
  config: Extract<ProviderConfig, { type: 'bedrock' }>,
  env: Env,
): ModelProvider {
  const region = config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const bearerToken = secret(env, config.bearerTokenEnv, 'AWS_BEARER_TOKEN_BEDROCK');
  const accessKeyId = secret(env, config.accessKeyIdEnv, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = secret(env, config.secretAccessKeyEnv, 'AWS_SECRET_ACCESS_KEY');
  const sessionToken = secret(env, config.sessionTokenEnv, 'AWS_SESSION_TOKEN');
  if (!bearerToken && !(accessKeyId && secretAccessKey)) {
    throw new LakegateError(
      'CONFIG_INVALID',
      `Provider "${name}" (bedrock) has no credentials: set AWS_BEARER_TOKEN_BEDROCK, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
    );
  }
  return createBedrockProvider(
    optional({
      name,
      region,
      endpoint: config.endpoint,
      agentRuntimeEndpoint: config.agentRuntimeEndpoint,
      bearerToken,
      credentials:
        accessKeyId && secretAccessKey ? optional({ accessKeyId, secretAccessKey, sessionToken }) : undefined,
      models: config.models,
    }),
  );
}

export interface ProviderBuildOptions {
  /** The data folder (LAKEGATE_HOME), against which relative local model paths resolve. */
  home?: string;
}

export function createProvider(
  name: string,
  config: ProviderConfig,
  env: Env,
  options: ProviderBuildOptions = {},
): ModelProvider {
  switch (config.type) {
    case 'openai':
      return createOpenAIProvider(
        optional({
          name,
          baseUrl: config.baseUrl,
          apiKey: secret(env, config.apiKeyEnv, 'OPENAI_API_KEY'),
          organization: config.organization,
          project: config.project,
          models: config.models,
        }),
      );
    case 'openai-compatible': {
      if (config.preset !== undefined && !(config.preset in OPENAI_COMPATIBLE_PRESETS)) {
        throw new LakegateError(
          'CONFIG_INVALID',
          `Provider "${name}": unknown preset "${config.preset}" (known: ${Object.keys(OPENAI_COMPATIBLE_PRESETS).join(', ')}).`,
        );
      }
      return createOpenAICompatibleProvider(
        optional({
          name,
          preset: config.preset as keyof typeof OPENAI_COMPATIBLE_PRESETS | undefined,
          baseUrl: config.baseUrl,
          apiKey: config.apiKeyEnv ? env[config.apiKeyEnv] : undefined,
          maxTokensField: config.maxTokensField,
          headers: config.headers,
          models: config.models,
          env,
        }),
      );
    }
    case 'anthropic':
      return createAnthropicProvider(
        optional({
          name,
          baseUrl: config.baseUrl,
          apiKey: secret(env, config.apiKeyEnv, 'ANTHROPIC_API_KEY'),
          version: config.version,
          beta: config.beta,
          models: config.models,
        }),
      );
    case 'gemini':
      return createGeminiProvider(
        optional({
          name,
          baseUrl: config.baseUrl,
          apiVersion: config.apiVersion,
          apiKey: secret(env, config.apiKeyEnv, 'GEMINI_API_KEY') ?? env.GOOGLE_API_KEY,
          models: config.models,
        }),
      );
    case 'bedrock':
      return bedrockFrom(name, config, env);
    case 'local':
      return createLocalProvider(optional({ name, embedDimensions: config.embedDimensions }));
    case 'local-onnx': {
      const { type: _type, ...settings } = config;
      // Without an explicit home, the same default as `lakegate up`.
      return createLocalOnnxProvider({
        ...settings,
        name,
        baseDir: options.home ?? env.LAKEGATE_HOME ?? '.lakegate',
      });
    }
  }
}

/** Providers enabled by their conventional environment variables when the config does not name them. */
function providersFromEnv(env: Env): Record<string, ProviderConfig> {
  const found: Record<string, ProviderConfig> = { local: { type: 'local' } };
  if (env.OPENAI_API_KEY) found.openai = { type: 'openai' };
  if (env.ANTHROPIC_API_KEY) found.anthropic = { type: 'anthropic' };
  if (env.GEMINI_API_KEY || env.GOOGLE_API_KEY) found.gemini = { type: 'gemini' };
  if (env.AWS_BEARER_TOKEN_BEDROCK || (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)) {
    found.bedrock = { type: 'bedrock' };
  }
  return found;
}

export function createProviders(
  configured: Record<string, ProviderConfig>,
  env: Env,
  options: ProviderBuildOptions = {},
): Map<string, ModelProvider> {
  const all = { ...providersFromEnv(env), ...configured };
  const providers = new Map<string, ModelProvider>();
  for (const [name, config] of Object.entries(all)) {
    providers.set(name, createProvider(name, config, env, options));
  }
  return providers;
}
