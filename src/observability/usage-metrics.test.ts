import { describe, expect, it } from 'vitest';
import { UsageMetrics } from './usage-metrics.js';
import { startedUsageRecord } from './usage-record.js';

function call(fields: Partial<ReturnType<typeof startedUsageRecord>>) {
  const record = startedUsageRecord(Date.now(), 'r', 'p', 'alice', null, 'converse', 'assistant');
  return Object.assign(record, { endpoint: 'assistant', provider: 'bedrock', servedModel: 'nova' }, fields);
}

/** Parses exposition lines into `name{labels}` → value, failing on any line that is not well-formed. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.trimEnd().split('\n')) {
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = /^([a-z_]+)(\{(?:[a-z_]+="(?:[^"\\]|\\.)*",?)*\})? (\S+)$/.exec(line);
    expect(match, line).not.toBeNull();
    out.set(`${match![1]}${match![2] ?? ''}`, Number(match![3]));
  }
  return out;
}

describe('UsageMetrics', () => {
  it('counts requests by status, errors by code, tokens by direction and cost', () => {
    const metrics = new UsageMetrics();
    metrics.observe(
      call({ inputTokens: 10, outputTokens: 5, cacheReadTokens: 2, costUsd: 0.5, latencyMs: 80 }),
    );
    metrics.observe(call({ inputTokens: 1, outputTokens: 1, costUsd: 0.25, latencyMs: 3_000 }));
    metrics.observe(call({ status: 'MODEL_UPSTREAM_THROTTLED', latencyMs: 20 }));
    const s = samples(metrics.render({ queued: 3, written: 7, dropped: 0, failedWrites: 1 }));
    const labels = 'endpoint="assistant",model="bedrock/nova"';
    expect(s.get(`lakegate_model_requests_total{${labels},status="ok"}`)).toBe(2);
    expect(s.get(`lakegate_model_requests_total{${labels},status="MODEL_UPSTREAM_THROTTLED"}`)).toBe(1);
    expect(s.get(`lakegate_model_errors_total{${labels},code="MODEL_UPSTREAM_THROTTLED"}`)).toBe(1);
    expect(s.get(`lakegate_model_tokens_total{${labels},direction="input"}`)).toBe(11);
    expect(s.get(`lakegate_model_tokens_total{${labels},direction="cache_read"}`)).toBe(2);
    expect(s.get(`lakegate_model_cost_usd_total{${labels}}`)).toBe(0.75);
    expect(s.get('lakegate_usage_records_queued')).toBe(3);
    expect(s.get('lakegate_usage_write_failures_total')).toBe(1);
  });

  it('keeps cumulative histogram buckets, with +Inf equal to the count', () => {
    const metrics = new UsageMetrics();
    for (const latencyMs of [40, 90, 400, 200_000])
      metrics.observe(call({ latencyMs, ttftMs: latencyMs / 4 }));
    const s = samples(metrics.render());
    const labels = 'endpoint="assistant",model="bedrock/nova"';
    const bucket = (le: string) =>
      s.get(`lakegate_model_request_duration_seconds_bucket{${labels},le="${le}"}`);
    expect([bucket('0.05'), bucket('0.1'), bucket('0.5'), bucket('120'), bucket('+Inf')]).toEqual([
      1, 2, 3, 3, 4,
    ]);
    expect(s.get(`lakegate_model_request_duration_seconds_count{${labels}}`)).toBe(4);
    expect(s.get(`lakegate_model_request_duration_seconds_sum{${labels}}`)).toBeCloseTo(200.53, 9);
    expect(s.get(`lakegate_model_time_to_first_token_seconds_count{${labels}}`)).toBe(4);
  });

  it('escapes label values and labels a call that reached no model with an empty model', () => {
    const metrics = new UsageMetrics();
    metrics.observe(
      call({ endpoint: 'we"ird\\name\n', provider: '', servedModel: '', status: 'AUTH_PERMISSION_DENIED' }),
    );
    const text = metrics.render();
    expect(text).toContain(
      'lakegate_model_requests_total{endpoint="we\\"ird\\\\name\\n",model="",status="AUTH_PERMISSION_DENIED"} 1',
    );
    samples(text);
  });
});
