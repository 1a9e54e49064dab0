// The usage report API and /metrics through a real server: who sees whose usage, what bad input gets,
// and that records queued at shutdown are in the file afterwards.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, client, userWithKey } from '../../../test/support/catalog-rest.js';
import { type Harness, startLakegate, TEST_KEY } from '../../../test/support/lakegate-harness.js';
import { UsageStore } from '../../observability/index.js';

let lakegate: Harness;
let admin: Call;
let ana: Call;
let anaToken: string;

const ask = (model: string) => ({
  model,
  messages: [
    { role: 'system' as const, content: 'The deductible is 500 EUR.' },
    { role: 'user' as const, content: 'What is the deductible?' },
  ],
});

beforeAll(async () => {
  lakegate = await startLakegate({ endpoints: { assistant: { served: [{ model: 'local/extractive' }] } } });
  admin = client(lakegate.url);
  const user = await userWithKey(admin, 'ana@example.com');
  anaToken = user.token;
  ana = client(lakegate.url, anaToken);
  const grant = await admin('PATCH', '/api/2.1/unity-catalog/permissions/serving_endpoint/assistant', {
    changes: [{ principal: 'ana@example.com', add: ['QUERY'] }],
  });
  expect(grant.status).toBe(200);
  const asAdmin = new OpenAI({ baseURL: `${lakegate.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  const asAna = new OpenAI({ baseURL: `${lakegate.url}/v1`, apiKey: anaToken, maxRetries: 0 });
  for (let i = 0; i < 3; i++) await asAdmin.chat.completions.create(ask('assistant'));
  await asAdmin.chat.completions.create(ask('local/extractive'));
  for (let i = 0; i < 2; i++) await asAna.chat.completions.create(ask('assistant'));
});

afterAll(async () => {
  await lakegate?.close();
});

describe('GET /api/2.0/lakegate/usage', () => {
  it('gives an admin everyone’s totals, grouped as asked', async () => {
    const byPrincipal = await admin('GET', '/api/2.0/lakegate/usage?by=principal&since=1h');
    expect(byPrincipal.status).toBe(200);
    expect(byPrincipal.body.scope).toBe('all');
    const requests = Object.fromEntries(
      byPrincipal.body.rows.map((r: { label: string; requests: number }) => [r.label, r.requests]),
    );
    expect(requests).toEqual({ admin: 4, 'ana@example.com': 2 });
    expect(byPrincipal.body.totals.requests).toBe(6);
    expect(byPrincipal.body.totals.input_tokens).toBeGreaterThan(0);

    const byEndpoint = await admin('GET', '/api/2.1/lakegate/usage?by=endpoint&since=2h');
    expect(
      Object.fromEntries(
        byEndpoint.body.rows.map((r: { key: string; requests: number }) => [r.key, r.requests]),
      ),
    ).toEqual({
      assistant: 5,
      local: 1,
    });
    const byModel = await admin('GET', '/api/2.0/lakegate/usage?by=model&since=1d');
    expect(byModel.body.rows).toEqual([
      expect.objectContaining({ key: 'local/extractive', requests: 6, cost_usd: 0 }),
    ]);
    const byDay = await admin(
      'GET',
      `/api/2.0/lakegate/usage?by=day&since=${new Date(Date.now() - 86_400_000).toISOString()}`,
    );
    expect(byDay.body.rows.at(-1)).toMatchObject({ key: new Date().toISOString().slice(0, 10) });
    const one = await admin('GET', '/api/2.0/lakegate/usage?by=endpoint&since=1h&principal=ana@example.com');
    expect(one.body).toMatchObject({ scope: 'principal', totals: { requests: 2 } });
  });

  it('shows anyone else only their own usage, and refuses them another principal’s', async () => {
    const own = await ana('GET', '/api/2.0/lakegate/usage?by=principal&since=7d');
    expect(own.status).toBe(200);
    expect(own.body.scope).toBe('own');
    expect(own.body.rows).toEqual([expect.objectContaining({ label: 'ana@example.com', requests: 2 })]);
    const others = await ana('GET', '/api/2.0/lakegate/usage?by=principal&since=7d&principal=admin');
    expect(others.status).toBe(403);
    expect(others.body.error_code).toBeTruthy();
    const anonymous = await client(lakegate.url, null)('GET', '/api/2.0/lakegate/usage');
    expect(anonymous.status).toBe(401);
  });

  it('rejects a bad dimension or time with a 400 that says what is allowed', async () => {
    const badBy = await admin('GET', '/api/2.0/lakegate/usage?by=color');
    expect(badBy.status).toBe(400);
    expect(badBy.body.message).toContain('principal, endpoint, model, provider, day');
    const badSince = await admin('GET', '/api/2.0/lakegate/usage?since=last-tuesday');
    expect(badSince.status).toBe(400);
    expect(badSince.body.message).toContain('since');
    const backwards = await admin('GET', '/api/2.0/lakegate/usage?since=1h&until=2h');
    expect(backwards.status).toBe(400);
  });
});

describe('GET /metrics', () => {
  it('serves the Prometheus text format to an admin', async () => {
    const response = await fetch(`${lakegate.url}/metrics`, {
      headers: { authorization: `Bearer ${TEST_KEY}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(text).toContain('# TYPE lakegate_model_requests_total counter');
    expect(text).toContain(
      'lakegate_model_requests_total{endpoint="assistant",model="local/extractive",status="ok"} 5',
    );
    expect(text).toContain(
      'lakegate_model_request_duration_seconds_count{endpoint="local",model="local/extractive"} 1',
    );
    expect(text).toMatch(
      /lakegate_model_tokens_total\{endpoint="assistant",model="local\/extractive",direction="output"\} [1-9]/,
    );
  });

  it('is not for anyone else', async () => {
    expect(
      (await fetch(`${lakegate.url}/metrics`, { headers: { authorization: `Bearer ${anaToken}` } })).status,
    ).toBe(403);
    expect((await fetch(`${lakegate.url}/metrics`)).status).toBe(401);
  });
});

describe('shutdown', () => {
  it('writes the records still queued when the server closes', async () => {
    const own = await startLakegate();
    const openai = new OpenAI({ baseURL: `${own.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    for (let i = 0; i < 5; i++) await openai.chat.completions.create(ask('local/extractive'));
    // Straight after the calls the records are still queued (the store writes once a second).
    expect(own.server.usage.stats().written).toBeLessThan(5);
    await own.server.close();
    const store = await UsageStore.open({ path: join(own.home, 'usage', 'usage.duckdb') });
    try {
      expect(await store.recent(10)).toHaveLength(5);
    } finally {
      await store.close();
      rmSync(own.home, { recursive: true, force: true });
    }
  });
});
