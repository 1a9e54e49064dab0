// What a call cost: the shipped price table (prices.json, list prices per million tokens) under the
// operator's overrides from lakegate.yaml `pricing`. A lookup is resolved once per provider and model and
// then memoised, so pricing a record on the request path is two Map reads and a little arithmetic.

import { z } from 'zod';
import { LakegateError, type ModelPriceConfig, modelPriceSchema } from '../core/index.js';
import shipped from './prices.json' with { type: 'json' };

export type ModelPrice = ModelPriceConfig;

/** The tokens a call used, in the usage record's terms (input excludes cache reads and writes). */
export interface PricedTokens {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

const priceFileSchema = z.object({
  asOf: z.string(),
  free: z.array(z.string()),
  providers: z.record(
    z.string(),
    z.object({
      batchDiscount: z.number().min(0).max(1).optional(),
      models: z.record(z.string(), modelPriceSchema),
    }),
  ),
});
export type PriceFile = z.infer<typeof priceFileSchema>;

const FREE: ModelPrice = { input: 0, output: 0 };
/** Bedrock cross-region inference profiles prefix the model id with a geography. */
const INFERENCE_PROFILE = /^(?:us|eu|apac|jp|au|ca|us-gov|global)\./;
/** OpenAI snapshot ids end in a date; the undated alias has the same price. */
const SNAPSHOT_DATE = /-\d{4}-\d{2}-\d{2}$/;

/** The cost in US dollars of the tokens at the price (batch: with the batch discount taken off). */
export function costOf(price: ModelPrice, tokens: PricedTokens, batch = false): number {
  const dollarsPerMillion =
    tokens.inputTokens * price.input +
    tokens.outputTokens * price.output +
    tokens.cacheReadTokens * (price.cacheRead ?? price.input) +
    tokens.cacheWriteTokens * (price.cacheWrite ?? price.input);
  const full = dollarsPerMillion / 1_000_000;
  return batch && price.batchDiscount ? full * (1 - price.batchDiscount) : full;
}

/** Resolved prices kept per provider; past this the cache starts over (resolving is cheap, a leak is not). */
const MAX_CACHED_MODELS_PER_PROVIDER = 1024;

export class PriceTable {
  /** provider name → model id → price (null: no price known), filled as calls are priced. */
  private readonly resolved = new Map<string, Map<string, ModelPrice | null>>();
  private readonly byModel = new Map<string, ModelPrice>();
  private readonly free: ReadonlySet<string>;

  constructor(
    private readonly file: PriceFile,
    private readonly overrides: Readonly<Record<string, ModelPrice>> = {},
  ) {
    this.free = new Set(file.free);
    // A model id alone finds its price under any provider name (e.g. a second Bedrock provider "bedrock-eu").
    for (const section of Object.values(file.providers)) {
      for (const [model, price] of Object.entries(section.models)) {
        if (!this.byModel.has(model)) this.byModel.set(model, withBatch(price, section.batchDiscount));
      }
    }
  }

  /** The shipped table with the config's `pricing` overrides. */
  static shipped(overrides: Readonly<Record<string, ModelPrice>> = {}): PriceTable {
    const parsed = priceFileSchema.safeParse(shipped);
    if (!parsed.success) throw new LakegateError('CONFIG_INVALID', 'The shipped price table is malformed.');
    return new PriceTable(parsed.data, overrides);
  }

  /** The date the shipped prices were taken. */
  get asOf(): string {
    return this.file.asOf;
  }

  /** The price of `model` served by the provider named `provider`, or null when none is known. */
  priceOf(provider: string, model: string): ModelPrice | null {
    let models = this.resolved.get(provider);
    if (!models) {
      models = new Map();
      this.resolved.set(provider, models);
    }
    let price = models.get(model);
    if (price === undefined) {
      price = this.resolve(provider, model);
      // Model ids come from callers: a bound keeps made-up ids from growing the cache without end.
      if (models.size >= MAX_CACHED_MODELS_PER_PROVIDER) models.clear();
      models.set(model, price);
    }
    return price;
  }

  /** The cost of a call in US dollars, or null when the model has no price. */
  costOf(provider: string, model: string, tokens: PricedTokens, batch = false): number | null {
    const price = this.priceOf(provider, model);
    return price ? costOf(price, tokens, batch) : null;
  }

  /** Every price known, as `provider/model` → price (overrides last), for reporting the table. */
  entries(): Array<{ model: string; price: ModelPrice; source: 'shipped' | 'config' }> {
    const out: Array<{ model: string; price: ModelPrice; source: 'shipped' | 'config' }> = [];
    for (const [provider, section] of Object.entries(this.file.providers)) {
      for (const [model, price] of Object.entries(section.models)) {
        out.push({
          model: `${provider}/${model}`,
          price: withBatch(price, section.batchDiscount),
          source: 'shipped',
        });
      }
    }
    for (const [model, price] of Object.entries(this.overrides)) out.push({ model, price, source: 'config' });
    return out;
  }

  private resolve(provider: string, model: string): ModelPrice | null {
    const override = this.overrides[`${provider}/${model}`] ?? this.overrides[`${provider}/*`];
    if (override) return override;
    const section = this.file.providers[provider];
    const candidates = [model, model.replace(INFERENCE_PROFILE, ''), model.replace(SNAPSHOT_DATE, '')];
    for (const candidate of candidates) {
      const price = section?.models[candidate];
      if (price) return withBatch(price, section.batchDiscount);
    }
    for (const candidate of candidates) {
      const price = this.byModel.get(candidate);
      if (price) return price;
    }
    return this.free.has(provider) ? FREE : null;
  }
}

function withBatch(price: ModelPrice, batchDiscount: number | undefined): ModelPrice {
  return price.batchDiscount === undefined && batchDiscount !== undefined
    ? { ...price, batchDiscount }
    : price;
}
