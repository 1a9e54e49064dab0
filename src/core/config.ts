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
  /** Where Rerank goes (the Agent Runtime); defaults to the region's. */
  agentRuntimeEndpoint: url.optional(),
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

/** A sentence-embedding model in a local folder, run on onnxruntime (docs/local-onnx.md). */
const localOnnxProvider = z.strictObject({
  type: z.literal('local-onnx'),
  /** Folder with config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx; relative to LAKEGATE_HOME. */
  modelPath: z.string().min(1),
  /** Load onnx/model_quantized.onnx instead of onnx/model.onnx. */
  quantized: z.boolean().optional(),
  pooling: z.enum(['mean', 'cls']).optional(),
  normalize: z.boolean().optional(),
  maxBatch: z.number().int().min(1).max(1024).optional(),
  /** Truncation length in tokens, below the model's own limit (e.g. 256 for all-MiniLM-L6-v2). */
  maxTokens: z.number().int().min(2).optional(),
  queryPrefix: z.string().optional(),
  documentPrefix: z.string().optional(),
  /** Model ids served by the folder; default its name. */
  models: modelList,
});

export const providerConfigSchema = z.discriminatedUnion('type', [
  openaiProvider,
  openaiCompatibleProvider,
  anthropicProvider,
  geminiProvider,
  bedrockProvider,
  localProvider,
  localOnnxProvider,
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

// --- Gateway limits: rate limits, budgets and provisioned concurrency (enforced by src/gateway/limits,
// described in docs/limits.md). The fields follow Databricks AI Gateway's `rate_limits` (calls | tokens,
// renewal period, key, principal) in this file's camelCase.
const limitKey = z.enum(['api_key', 'user', 'service_principal', 'user_group', 'endpoint']);
const principalKey = z.enum(['user', 'service_principal', 'user_group']);
const limitName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'names use letters, digits, "_", "." and "-"');

const rateLimitFields = {
  /** Stable identity of the counter across restarts and config edits; derived from the rule when omitted. */
  name: limitName.optional(),
  calls: z.number().int().min(1).max(1e10).optional(),
  tokens: z.number().int().min(1).max(1e10).optional(),
  renewalPeriod: z.enum(['minute', 'hour', 'day']).default('minute'),
  /** Who is counted: each API key, user, service principal, group, or endpoint has its own counter... */
  key: limitKey,
  /** ...unless one is named here (a principal or group name, or an API key id): then only that one. */
  principal: z.string().min(1).optional(),
};

function checkLimitRule(
  rule: {
    calls?: number | undefined;
    tokens?: number | undefined;
    key: string;
    principal?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if ((rule.calls === undefined) === (rule.tokens === undefined))
    ctx.addIssue({ code: 'custom', path: ['calls'], message: 'give exactly one of calls or tokens' });
  if (rule.key === 'endpoint' && rule.principal !== undefined)
    ctx.addIssue({ code: 'custom', path: ['principal'], message: 'an endpoint limit names no principal' });
}

const endpointRateLimitSchema = z.strictObject(rateLimitFields).superRefine(checkLimitRule);
const rateLimitSchema = z
  .strictObject({
    ...rateLimitFields,
    /** Only calls to this endpoint (or model id) count. */
    endpoint: z.string().min(1).optional(),
  })
  .superRefine(checkLimitRule);

const budgetSchema = z
  .strictObject({
    name: limitName.optional(),
    key: limitKey,
    principal: z.string().min(1).optional(),
    endpoint: z.string().min(1).optional(),
    amountUsd: z.number().positive().max(1e9),
    period: z.enum(['day', 'month']),
    /** block: refuse calls once spent; alert: only report the crossings of `alertAt`. */
    mode: z.enum(['block', 'alert']).default('block'),
    /** Fractions of the amount whose crossing raises an alert event. */
    alertAt: z.array(z.number().positive().max(10)).default([0.8, 1]),
  })
  .superRefine((budget, ctx) => {
    if (budget.key === 'endpoint' && budget.principal !== undefined)
      ctx.addIssue({ code: 'custom', path: ['principal'], message: 'an endpoint budget names no principal' });
  });

const concurrencySchema = z
  .strictObject({
    /** Calls the endpoint serves at once, over all replicas. */
    capacity: z.number().int().min(1).max(1_000_000),
    /** Slots kept for a principal or group; shared traffic may use only capacity minus these. */
    reserved: z
      .array(
        z.strictObject({ key: principalKey, principal: z.string().min(1), slots: z.number().int().min(1) }),
      )
      .default([]),
  })
  .superRefine((concurrency, ctx) => {
    const reserved = concurrency.reserved.reduce((sum, r) => sum + r.slots, 0);
    if (reserved > concurrency.capacity)
      ctx.addIssue({
        code: 'custom',
        path: ['reserved'],
        message: `reserved slots add up to ${reserved}, more than the capacity ${concurrency.capacity}`,
      });
  });

const limitsSchema = z.strictObject({
  /** When the shared store (Redis) cannot be reached: admit without limits (open) or refuse with 503 (closed). */
  failMode: z.enum(['open', 'closed']).default('open'),
  /** How long one limits round trip to Redis may take before it counts as unreachable. */
  redisTimeoutMs: z.number().int().min(1).max(60_000).default(250),
  /** How long a concurrency slot outlives a replica that stopped renewing it (it crashed). */
  leaseSeconds: z.number().int().min(5).max(3_600).default(60),
  rateLimits: z.array(rateLimitSchema).default([]),
  budgets: z.array(budgetSchema).default([]),
});
export type RateLimitConfig = z.infer<typeof rateLimitSchema>;
export type EndpointRateLimitConfig = z.infer<typeof endpointRateLimitSchema>;
export type BudgetConfig = z.infer<typeof budgetSchema>;
export type ConcurrencyConfig = z.infer<typeof concurrencySchema>;
export type LimitsConfig = z.infer<typeof limitsSchema>;

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
    rateLimits: z.array(endpointRateLimitSchema).optional(),
    concurrency: concurrencySchema.optional(),
    /** A guardrail applied to every call of the endpoint (docs/guardrails.md): id, version, directions. */
    guardrail: z
      .strictObject({
        id: z.string().min(1),
        version: z
          .string()
          .regex(/^(DRAFT|[1-9]\d*)$/, 'DRAFT or a version number')
          .default('DRAFT'),
        input: z.boolean().default(true),
        output: z.boolean().default(true),
      })
      .optional(),
    /** Exact-match response cache for Converse (docs/usage.md), per principal, in process. */
    cache: z
      .strictObject({
        ttlSeconds: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 3600)
          .default(300),
        maxEntries: z.number().int().min(1).max(1_000_000).default(1000),
      })
      .optional(),
    /** Request and response payloads logged to a governed table (docs/usage.md, inference tables). */
    inferenceTable: z
      .strictObject({
        table: z
          .string()
          .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be "catalog.schema.table"'),
        /** The share of calls logged, 0..1 (1 = every call). */
        sampleRate: z.number().min(0).max(1).default(1),
      })
      .optional(),
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

// --- Pricing: overrides of the price table shipped in src/observability/prices.json (docs/usage.md).
const usdPerMillion = z.number().min(0).max(1_000_000);
/** One model's prices in US dollars per million tokens; cache reads and writes default to the input price. */
export const modelPriceSchema = z.strictObject({
  input: usdPerMillion,
  output: usdPerMillion,
  cacheRead: usdPerMillion.optional(),
  cacheWrite: usdPerMillion.optional(),
  /** The fraction taken off for batch inference (0.5 = half price). */
  batchDiscount: z.number().min(0).max(1).optional(),
});
export type ModelPriceConfig = z.infer<typeof modelPriceSchema>;
/** `provider/model` (a configured provider name), or `provider/*` for every model of a provider. */
const pricingKey = z.string().regex(/^[A-Za-z0-9_.-]+\/.+$/, 'must be "provider/model" or "provider/*"');

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
      /**
       * Plain HTTP/1.1 requests are served by the lean server (`lean`, the default), which hands node:http
       * everything else; `node` leaves all of them to node:http.
       */
      http1: z.enum(['lean', 'node']).optional(),
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
  limits: limitsSchema.optional(),
  /** Governed tables and SQL (docs/tables.md, docs/sql.md). */
  data: z
    .strictObject({
      /** DuckDB's memory_limit, e.g. `4GB`; beyond it queries spill to disk or fail with a clear error. */
      memoryLimit: z
        .string()
        .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must be a size such as 4GB or 512MiB')
        .optional(),
      threads: z.number().int().min(1).max(256).optional(),
      /** A SQL statement running longer than this is stopped (QUERY_TIMEOUT). */
      statementTimeoutSeconds: z.number().int().min(1).max(86_400).optional(),
      /** Statements running at once; more wait their turn. */
      maxConcurrentStatements: z.number().int().min(1).max(64).optional(),
      /** How many recent versions of a table time travel can read. */
      retainTableVersions: z.number().int().min(1).max(10_000).optional(),
      /** The largest file one volume upload may write, in bytes. */
      maxVolumeFileBytes: z.number().int().min(1024).optional(),
    })
    .optional(),
  /** Price overrides by `provider/model`, over the shipped price table. */
  pricing: z.record(pricingKey, modelPriceSchema).optional(),
  /** Guardrails (docs/guardrails.md): the embedding model denied topics are judged with, and its threshold. */
  guardrails: z
    .strictObject({
      /** `provider/model`; `local/embed` (default) works offline. */
      embeddingModel: z.string().min(1).optional(),
      /** Cosine similarity at or above which a text is about a denied topic (default 0.5). */
      topicThreshold: z.number().min(0).max(1).optional(),
    })
    .optional(),
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
