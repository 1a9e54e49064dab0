// `lakegate usage` against a real Lakegate: records go into the server's own usage store (one made by a
// real model call, the rest written directly with known costs), and the CLI draws them.

import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_KEY } from '../../test/support/lakegate-harness.js';
import { startedUsageRecord } from '../observability/index.js';
import { ok, useLakegate } from './test-support.js';
import { bar, compact, renderUsage, type UsageWireReport } from './usage-command.js';

const suite = useLakegate();
const { admin } = suite;

beforeAll(async () => {
  const { url, server } = suite.harness;
  const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  await openai.chat.completions.create({
    model: 'local/extractive',
    messages: [{ role: 'user', content: 'The deductible is 500 EUR. What is the deductible?' }],
  });
  const spend = (principal: string, endpoint: string, costUsd: number, n: number) => {
    for (let i = 0; i < n; i++) {
      const record = startedUsageRecord(
        Date.now() - 3_600_000,
        `r-${principal}-${i}`,
        `pr-${principal}`,
        principal,
        null,
        'converse',
        endpoint,
      );
      Object.assign(record, {
        endpoint,
        provider: 'bedrock',
        servedModel: 'anthropic.claude-sonnet-4',
        inputTokens: 1_500,
        outputTokens: 300,
        costUsd,
      });
      server.usage.record(record);
    }
  };
  spend('carol@example.com', 'claims-assistant', 0.75, 4);
  spend('dave@example.com', 'claims-assistant', 0.25, 2);
});

describe('lakegate usage', () => {
  it('draws usage by principal with bars proportional to cost, biggest first', async () => {
    const out = await ok(admin, 'usage', '--by', 'principal', '--since', '7d');
    const lines = out.split('\n');
    expect(lines[0]).toMatch(
      /^PRINCIPAL\s+REQUESTS\s+ERRORS\s+IN TOKENS\s+OUT TOKENS\s+COST\s+SHARE OF COST$/,
    );
    expect(lines[1]).toMatch(/^carol@example\.com\s+4\s+0\s+6\.0k\s+1\.2k\s+\$3\.00\s+█{24}$/);
    // dave spent $0.50 of carol's $3.00: a sixth of the bar, 4 whole blocks.
    expect(lines[2]).toMatch(/^dave@example\.com\s+2\s+0\s+3\.0k\s+600\s+\$0\.50\s+████$/);
    expect(lines[3]).toMatch(/^admin\s+1\s+0\s+\d+\s+\d+\s+\$0\s*$/);
    expect(out).toContain('7 requests, $3.50 from ');
  });

  it('groups by endpoint, and prints the server’s raw JSON with --output json', async () => {
    const out = await ok(admin, 'usage', '--by', 'endpoint', '--since', '1d', '--output', 'json');
    const report = JSON.parse(out) as UsageWireReport;
    expect(report.by).toBe('endpoint');
    expect(report.rows.map((r) => [r.key, r.requests])).toEqual([
      ['claims-assistant', 6],
      ['local', 1],
    ]);
  });

  it('refuses a bad dimension or time as a usage error (exit 2), before calling the server', async () => {
    const badBy = await admin('usage', '--by', 'colour');
    expect(badBy.code).toBe(2);
    expect(badBy.stderr).toContain('--by must be one of principal, endpoint, model, provider, day');
    const badSince = await admin('usage', '--since', 'yesterday');
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since "yesterday"');
  });
});

describe('usage rendering', () => {
  it('draws bars in eighths of a block, at least one eighth for anything above zero', () => {
    expect(bar(1, 1, 4)).toBe('████');
    expect(bar(0.5, 1, 4)).toBe('██');
    expect(bar(1, 32, 4)).toBe('▏');
    expect(bar(0.3, 1, 4)).toBe('█▎');
    expect(bar(0, 1, 4)).toBe('');
  });

  it('abbreviates token counts and marks rows whose cost leaves out unpriced calls', () => {
    expect([compact(999), compact(1_234), compact(56_789), compact(2_500_000)]).toEqual([
      '999',
      '1.2k',
      '57k',
      '2.5M',
    ]);
    const text = renderUsage({
      by: 'model',
      since: '2026-11-19T00:00:00.000Z',
      until: '2026-11-26T00:00:00.000Z',
      scope: 'own',
      rows: [
        {
          key: 'x/y',
          label: 'x/y',
          requests: 3,
          errors: 1,
          input_tokens: 10,
          output_tokens: 5,
          cache_read_tokens: 0,
          cache_write_tokens: 0,
          cost_usd: 0,
          unpriced_requests: 3,
          avg_latency_ms: 5,
        },
      ],
      totals: { requests: 3, cost_usd: 0, input_tokens: 10, output_tokens: 5 },
    });
    expect(text).toContain('SHARE OF REQUESTS');
    expect(text).toContain('$0*');
    expect(text).toContain('(your own usage)');
    expect(text).toContain('their cost is not included');
  });
});
