// lakegate.yaml: validated with zod at the edge, so that a bad field is reported with its path before
// anything starts. Secrets are never written in the file itself by our docs: `apiKeyEnv` names the
// environment variable that holds them.

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LakegateError } from './errors.js';

const url = z.url({ protocol: /^https?$/ });
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const modelList = z.array(z.string().min(1)).optional();

const openaiProvider = z.strictObject({
  type: z.literal('openai'),
  baseUrl: url.optional(),
  apiKeyEnv: envName.optional(),
  organization: z.string().optional(),
  project: z.string().optional(),
  models: modelList,
});

const openaiCompatibleProvider = z.strictObject({
  type: z.literal('openai-compatible'),
  /** A known server (vllm, ollama, groq, ...) whose defaults apply; `baseUrl` overrides. */
  preset: z.string().optional(),
  baseUrl: url.optional(),
  apiKeyEnv: envName.optional(),
  maxTokensField: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  models: modelList,
});

const anthropicProvider = z.strictObject({
  type: z.literal('anthropic'),
  baseUrl: url.optional(),
  apiKeyEnv: envName.optional(),
  version: z.string().optional(),
  beta: z.array(z.string()).optional(),
  models: modelList,
});

const geminiProvider = z.strictObject({
  type: z.literal('gemini'),
  baseUrl: url.optional(),
  apiVersion: z.string().optional(),
  apiKeyEnv: envName.optional(),
  models: modelList,
});

const bedrockProvider = z.strictObject({
  type: z.literal('bedrock'),
  region: z.string().min(1).optional(),
  endpoint: url.optional(),
  /** Names of the variables holding the credentials; the AWS defaults apply when omitted. */
  accessKeyIdEnv: envName.optional(),
  secretAccessKeyEnv: envName.optional(),
  sessionTokenEnv: envName.optional(),
  bearerTokenEnv: envName.optional(),
  models: modelList,
});

const localProvider = z.strictObject({
  type: z.literal('local'),
  embedDimensions: z.number().int().min(64).max(4096).optional(),
});

export const providerConfigSchema = z.discriminatedUnion('type', [
  openaiProvider,
  openaiCompatibleProvider,
  anthropicProvider,
  geminiProvider,
  bedrockProvider,
  localProvider,
]);
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

/** `provider/model`: the provider is a configured (or environment-detected) provider name. */
const providerModelRef = z.string().regex(/^[A-Za-z0-9_.-]+\/.+$/, 'must be "provider/model"');

const retrySchema = z.strictObject({
  /** Retries on the same model after the first attempt, for retryable errors only. */
  attempts: z.number().int().min(0).max(10).default(2),
  initialDelayMs: z.number().int().min(0).max(60_000).default(200),
  maxDelayMs: z.number().int().min(0).max(300_000).default(5_000),
});

const timeoutSchema = z.strictObject({
  /** For a stream, the time allowed until its first event. */
  attemptMs: z.number().int().min(100).max(3_600_000).default(60_000),
  totalMs: z.number().int().min(100).max(3_600_000).default(180_000),
});

export const endpointConfigSchema = z
  .strictObject({
    task: z.enum(['chat', 'embeddings']).default('chat'),
    description: z.string().optional(),
    served: z
      .array(
        z.strictObject({
          model: providerModelRef,
          /** Share of traffic in percent; the shares of an endpoint add up to 100. */
          traffic: z.number().min(0).max(100).optional(),
        }),
      )
      .min(1),
    /** Tried in order after the served model fails with a retryable error (429, 5xx, timeout, connection). */
    fallbacks: z.array(providerModelRef).default([]),
    retry: retrySchema.default({ attempts: 2, initialDelayMs: 200, maxDelayMs: 5_000 }),
    timeout: timeoutSchema.default({ attemptMs: 60_000, totalMs: 180_000 }),
  })
  .superRefine((endpoint, ctx) => {
    const withShare = endpoint.served.filter((s) => s.traffic !== undefined);
    if (withShare.length === 0) return;
    if (withShare.length !== endpoint.served.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['served'],
        message: 'give every served model a traffic share, or none',
      });
      return;
    }
    const total = withShare.reduce((sum, s) => sum + (s.traffic ?? 0), 0);
    if (Math.abs(total - 100) > 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: ['served'],
        message: `traffic shares add up to ${total}, not 100`,
      });
    }
  });
export type EndpointConfig = z.infer<typeof endpointConfigSchema>;
export type RetryPolicy = z.infer<typeof retrySchema>;
export type TimeoutPolicy = z.infer<typeof timeoutSchema>;

const nameKey = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'names use letters, digits, "_", "." and "-"');

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65_535).optional(),
      /** Largest request body accepted, in bytes. */
      maxBodyBytes: z
        .number()
        .int()
        .min(1024)
        .max(512 * 1024 * 1024)
        .optional(),
    })
    .default({}),
  providers: z.record(nameKey, providerConfigSchema).default({}),
  endpoints: z.record(nameKey, endpointConfigSchema).default({}),
  routing: z
    .strictObject({
      /** Where a model id with no `provider/` prefix and no endpoint of that name goes (e.g. `bedrock`). */
      defaultProvider: nameKey.optional(),
      retry: retrySchema.optional(),
      timeout: timeoutSchema.optional(),
    })
    .default({}),
});

export type LakegateConfig = z.infer<typeof configSchema>;

export const DEFAULT_RETRY: RetryPolicy = { attempts: 2, initialDelayMs: 200, maxDelayMs: 5_000 };
export const DEFAULT_TIMEOUT: TimeoutPolicy = { attemptMs: 60_000, totalMs: 180_000 };

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.') || '(root)';
}

interface ConfigProblem {
  path: string;
  message: string;
}

/** One problem per bad field, at the field itself: zod reports unknown keys and bad record keys at their parent. */
function problemsOf(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }));
    }
    if (issue.code === 'invalid_key' && issue.issues.length > 0) {
      return issue.issues.map((inner) => ({ path: formatPath(issue.path), message: inner.message }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/** Parses and validates the text of a config file; `source` names the file in error messages. */
export function parseConfig(text: string, source: string): LakegateConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new LakegateError('CONFIG_INVALID', `${source}: not valid YAML: ${(error as Error).message}`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = problemsOf(result.error.issues);
    const lines = problems.map((p) => `  ${p.path}: ${p.message}`);
    throw new LakegateError(
      'CONFIG_INVALID',
      `${source} has ${lines.length} problem(s):\n${lines.join('\n')}`,
      { details: { issues: problems } },
    );
  }
  return result.data;
}
