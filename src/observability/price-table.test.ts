import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/index.js';
import { costOf, PriceTable } from './price-table.js';

const tokens = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0) => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
});

describe('costOf', () => {
  it('prices input and output per million tokens', () => {
    expect(costOf({ input: 3, output: 15 }, tokens(1_000_000, 0))).toBeCloseTo(3, 12);
    expect(costOf({ input: 3, output: 15 }, tokens(2_000, 500))).toBeCloseTo(0.006 + 0.0075, 12);
  });

  it('prices cache reads and writes at their own rates, and at the input rate when the model has none', () => {
    const claude = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
    expect(costOf(claude, tokens(100, 200, 10_000, 4_000))).toBeCloseTo(
      (100 * 3 + 200 * 15 + 10_000 * 0.3 + 4_000 * 3.75) / 1e6,
      12,
    );
    expect(costOf({ input: 2, output: 8 }, tokens(0, 0, 1_000, 1_000))).toBeCloseTo(
      (1_000 * 2 * 2) / 1e6,
      12,
    );
  });

  it('takes the batch discount off only for batch calls', () => {
    const price = { input: 2.5, output: 10, batchDiscount: 0.5 };
    expect(costOf(price, tokens(1_000, 1_000), true)).toBeCloseTo(0.00625, 12);
    expect(costOf(price, tokens(1_000, 1_000), false)).toBeCloseTo(0.0125, 12);
    expect(costOf({ input: 1, output: 1 }, tokens(1_000_000, 0), true)).toBe(1);
  });
});

describe('PriceTable', () => {
  const table = PriceTable.shipped({
    'bedrock/anthropic.claude-3-haiku-20240307-v1:0': { input: 0.2, output: 1 },
    'vllm/*': { input: 0, output: 0 },
  });

  it('ships list prices for the well-known models of each provider, with the date they were taken', () => {
    expect(table.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.priceOf('openai', 'gpt-4o')).toMatchObject({ input: 2.5, output: 10, cacheRead: 1.25 });
    expect(table.priceOf('anthropic', 'claude-sonnet-4-20250514')).toMatchObject({ input: 3, output: 15 });
    expect(table.priceOf('gemini', 'gemini-2.5-flash')).toMatchObject({ input: 0.3, output: 2.5 });
    expect(table.priceOf('bedrock', 'amazon.nova-lite-v1:0')).toMatchObject({
      input: 0.06,
      batchDiscount: 0.5,
    });
  });

  it('answers the same after thousands of made-up model ids (its cache starts over instead of growing)', () => {
    for (let i = 0; i < 3_000; i++) expect(table.priceOf('openai', `made-up-${i}`)).toBeNull();
    expect(table.priceOf('openai', 'gpt-4o')).toMatchObject({ input: 2.5, output: 10 });
    expect(table.priceOf('vllm', 'made-up-0')).toMatchObject({ input: 0, output: 0 });
  });

  it('computes the cost of a Bedrock Claude call with prompt caching', () => {
    const cost = table.costOf(
      'bedrock',
      'anthropic.claude-sonnet-4-20250514-v1:0',
      tokens(1_200, 350, 8_000, 2_000),
    );
    expect(cost).toBeCloseTo((1_200 * 3 + 350 * 15 + 8_000 * 0.3 + 2_000 * 3.75) / 1e6, 12);
  });

  it('lets the config override a shipped price, or price every model of a provider', () => {
    expect(
      table.costOf('bedrock', 'anthropic.claude-3-haiku-20240307-v1:0', tokens(1_000_000, 1_000_000)),
    ).toBeCloseTo(1.2, 12);
    expect(table.costOf('vllm', 'meta-llama/Llama-3.1-8B-Instruct', tokens(5_000, 5_000))).toBe(0);
  });

  it('finds cross-region inference profiles, dated snapshots and renamed providers', () => {
    expect(table.priceOf('bedrock', 'us.anthropic.claude-3-7-sonnet-20250219-v1:0')).toMatchObject({
      input: 3,
    });
    expect(table.priceOf('openai', 'gpt-4o-2024-08-06')).toMatchObject({ input: 2.5 });
    expect(table.priceOf('bedrock-eu', 'amazon.nova-pro-v1:0')).toMatchObject({ input: 0.8 });
  });

  it('prices local models at zero and unknown models at null (unpriced, not free)', () => {
    expect(table.costOf('local', 'lakegate-chat', tokens(10_000, 10_000))).toBe(0);
    expect(table.costOf('openai', 'no-such-model', tokens(10, 10))).toBeNull();
  });
});

describe('pricing in lakegate.yaml', () => {
  it('takes overrides keyed by provider/model or provider/*', () => {
    const config = parseConfig(
      'pricing:\n  bedrock/amazon.nova-pro-v1:0:\n    input: 0.7\n    output: 2.8\n  vllm/*:\n    input: 0\n    output: 0\n',
      'lakegate.yaml',
    );
    const table = PriceTable.shipped(config.pricing);
    expect(table.priceOf('bedrock', 'amazon.nova-pro-v1:0')).toEqual({ input: 0.7, output: 2.8 });
    expect(table.costOf('vllm', 'llama', tokens(1_000, 1_000))).toBe(0);
  });

  it('refuses a bad entry with its path', () => {
    expect(() => parseConfig('pricing:\n  gpt-4o:\n    input: 1\n    output: 2\n', 'lakegate.yaml')).toThrow(
      /pricing\.gpt-4o: must be "provider\/model" or "provider\/\*"/,
    );
    expect(() =>
      parseConfig('pricing:\n  openai/gpt-4o:\n    input: -1\n    output: 2\n    typo: 3\n', 'lakegate.yaml'),
    ).toThrow(/pricing\.openai\/gpt-4o\.input: .*\n.*pricing\.openai\/gpt-4o\.typo: unknown field/);
  });
});
