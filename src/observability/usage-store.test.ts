import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startedUsageRecord, type UsageRecord } from './usage-record.js';
import type { UsageDimension } from './usage-report.js';
import { UsageStore } from './usage-store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 26, 15, 30);

/** Deterministic records spread over 10 days, several principals, endpoints and models, some failed. */
function sampleRecords(count: number): UsageRecord[] {
  const out: UsageRecord[] = [];
  for (let i = 0; i < count; i++) {
    const principal = i % 3;
    const record = startedUsageRecord(
      NOW - ((i * 7_919_123) % (10 * DAY)),
      `req-${i}`,
      `p-${principal}`,
      `user-${principal}`,
      `key-${principal}`,
      i % 5 === 0 ? 'converseStream' : 'converse',
      i % 2 === 0 ? 'assistant' : 'bedrock/amazon.nova-lite-v1:0',
    );
    record.endpoint = i % 2 === 0 ? 'assistant' : 'bedrock';
    record.provider = i % 4 === 1 ? 'openai' : 'bedrock';
    record.servedModel = i % 4 === 1 ? 'gpt-4o' : 'amazon.nova-lite-v1:0';
    record.inputTokens = 100 + (i % 17);
    record.outputTokens = 20 + (i % 11);
    record.cacheReadTokens = i % 3;
    record.latencyMs = 50 + (i % 100);
    record.status = i % 13 === 0 ? 'MODEL_UPSTREAM_THROTTLED' : i % 29 === 0 ? 'cancelled' : 'ok';
    record.costUsd = i % 31 === 0 ? null : (record.inputTokens * 2 + record.outputTokens * 8) / 1e6;
    out.push(record);
  }
  return out;
}

function keyOf(record: UsageRecord, by: UsageDimension): string {
  switch (by) {
    case 'principal':
      return record.principalId;
    case 'endpoint':
      return record.endpoint;
    case 'provider':
      return record.provider;
    case 'model':
      return record.servedModel ? `${record.provider}/${record.servedModel}` : record.requestedModel;
    case 'day':
      return new Date(record.time).toISOString().slice(0, 10);
  }
}

/** The report computed the obvious way, to compare the rollup-plus-edges query against. */
function expected(
  records: UsageRecord[],
  by: UsageDimension,
  since: number,
  until: number,
  principalId?: string,
) {
  const groups = new Map<
    string,
    {
      requests: number;
      errors: number;
      cancelled: number;
      inputTokens: number;
      costUsd: number;
      unpriced: number;
    }
  >();
  for (const r of records) {
    if (r.time < since || r.time >= until) continue;
    if (principalId !== undefined && r.principalId !== principalId) continue;
    const key = keyOf(r, by);
    const g = groups.get(key) ?? {
      requests: 0,
      errors: 0,
      cancelled: 0,
      inputTokens: 0,
      costUsd: 0,
      unpriced: 0,
    };
    g.requests++;
    if (r.status === 'cancelled') g.cancelled++;
    else if (r.status !== 'ok') g.errors++;
    g.inputTokens += r.inputTokens;
    g.costUsd += r.costUsd ?? 0;
    if (r.costUsd === null) g.unpriced++;
    groups.set(key, g);
  }
  return groups;
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('UsageStore', () => {
  it('answers every dimension over windows with partial days at both edges, exactly as the raw records add up', async () => {
    const store = await UsageStore.open({ path: ':memory:', batchSize: 500, flushIntervalMs: 60_000 });
    try {
      const records = sampleRecords(5_000);
      for (const r of records) store.record(r);
      const windows: Array<[number, number]> = [
        [NOW - 7 * DAY, NOW + 1],
        [NOW - 3 * DAY - 5 * HOUR, NOW - DAY + 2 * HOUR],
        [NOW - 5 * HOUR, NOW - 2 * HOUR],
        [NOW - 30 * DAY, NOW + DAY],
      ];
      for (const [since, until] of windows) {
        for (const by of ['principal', 'endpoint', 'model', 'provider', 'day'] as const) {
          const rows = await store.report({ by, since, until });
          const want = expected(records, by, since, until);
          expect(rows.map((r) => r.key).sort()).toEqual([...want.keys()].sort());
          for (const row of rows) {
            const w = want.get(row.key)!;
            expect({ ...row, costUsd: Number(row.costUsd.toFixed(9)) }).toMatchObject({
              requests: w.requests,
              errors: w.errors,
              cancelled: w.cancelled,
              inputTokens: w.inputTokens,
              unpriced: w.unpriced,
              costUsd: Number(w.costUsd.toFixed(9)),
            });
          }
        }
      }
    } finally {
      await store.close();
    }
  });

  it('rolls up days the records have moved past, and still counts a call recorded after its day was rolled up', async () => {
    const store = await UsageStore.open({ path: ':memory:', batchSize: 100, flushIntervalMs: 60_000 });
    try {
      // Five days in time order, as a gateway records them.
      const records = sampleRecords(1_000).sort((a, b) => a.time - b.time);
      const recent = records.filter((r) => r.time >= NOW - 5 * DAY);
      for (const r of recent) store.record(r);
      await store.flush();
      const newest = recent.at(-1)!.time;
      expect(store.rollupWatermark).toBe(new Date(newest - HOUR).toISOString().slice(0, 10));
      // A long call that started two days ago is recorded only now.
      const late = { ...recent[0]!, requestId: 'late', time: NOW - 2 * DAY - 3 * HOUR, costUsd: 1 };
      store.record(late);
      const all = [...recent, late];
      for (const by of ['principal', 'day'] as const) {
        const rows = await store.report({ by, since: NOW - 6 * DAY, until: NOW + 1 });
        const want = expected(all, by, NOW - 6 * DAY, NOW + 1);
        for (const row of rows) expect(row.requests).toBe(want.get(row.key)!.requests);
        expect(rows.reduce((n, r) => n + r.costUsd, 0)).toBeCloseTo(
          [...want.values()].reduce((n, g) => n + g.costUsd, 0),
          9,
        );
      }
    } finally {
      await store.close();
    }
  });

  it('labels principals by name, orders by cost, and limits a report to one principal when asked', async () => {
    const store = await UsageStore.open({ path: ':memory:', flushIntervalMs: 60_000 });
    try {
      const records = sampleRecords(600);
      for (const r of records) store.record(r);
      const all = await store.report({ by: 'principal', since: NOW - 30 * DAY, until: NOW + 1 });
      expect(all.map((r) => r.label).sort()).toEqual(['user-0', 'user-1', 'user-2']);
      expect([...all].sort((a, b) => b.costUsd - a.costUsd)).toEqual(all);
      const own = await store.report({
        by: 'endpoint',
        since: NOW - 30 * DAY,
        until: NOW + 1,
        principalId: 'p-1',
      });
      const want = expected(records, 'endpoint', NOW - 30 * DAY, NOW + 1, 'p-1');
      expect(own.reduce((n, r) => n + r.requests, 0)).toBe(
        [...want.values()].reduce((n, g) => n + g.requests, 0),
      );
      expect(own.reduce((n, r) => n + r.requests, 0)).toBeLessThan(all.reduce((n, r) => n + r.requests, 0));
    } finally {
      await store.close();
    }
  });

  it('writes in the background on its own, and whatever is still queued on close; a reopened file has it all', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lakegate-usage-'));
    const path = join(dir, 'usage.duckdb');
    const first = await UsageStore.open({ path, batchSize: 100, flushIntervalMs: 20 });
    const records = sampleRecords(250);
    for (const r of records.slice(0, 200)) first.record(r);
    await expect.poll(() => first.stats().written, { timeout: 5_000 }).toBe(200);
    for (const r of records.slice(200)) first.record(r);
    expect(first.stats().queued).toBe(50);
    await first.close();
    first.record(records[0]!);
    expect(first.stats().dropped).toBe(1);

    const again = await UsageStore.open({ path, flushIntervalMs: 60_000 });
    try {
      const rows = await again.report({ by: 'day', since: NOW - 30 * DAY, until: NOW + 1 });
      expect(rows.reduce((n, r) => n + r.requests, 0)).toBe(250);
      // Sequence numbers continue after a reopen: new records roll up once, not again with the old ones.
      for (const r of records.slice(0, 10)) again.record(r);
      const more = await again.report({ by: 'day', since: NOW - 30 * DAY, until: NOW + 1 });
      expect(more.reduce((n, r) => n + r.requests, 0)).toBe(260);
    } finally {
      await again.close();
    }
  });

  it('drops and counts records past the queue bound instead of growing without limit', async () => {
    const store = await UsageStore.open({
      path: ':memory:',
      batchSize: 1_000,
      maxQueue: 10,
      flushIntervalMs: 60_000,
    });
    try {
      for (const r of sampleRecords(15)) store.record(r);
      expect(store.stats()).toMatchObject({ queued: 10, dropped: 5 });
      await store.flush();
      expect(store.stats()).toMatchObject({ queued: 0, written: 10 });
    } finally {
      await store.close();
    }
  });

  it('stores odd numbers from a provider as something writable rather than failing the batch', async () => {
    const store = await UsageStore.open({ path: ':memory:', flushIntervalMs: 60_000 });
    try {
      const [r] = sampleRecords(1);
      Object.assign(r!, {
        inputTokens: Number.NaN,
        outputTokens: 12.7,
        latencyMs: -3,
        costUsd: Number.POSITIVE_INFINITY,
      });
      store.record(r!);
      const [row] = await store.report({ by: 'provider', since: NOW - 30 * DAY, until: NOW + 1 });
      expect(row).toMatchObject({ requests: 1, inputTokens: 0, outputTokens: 12, costUsd: 0 });
    } finally {
      await store.close();
    }
  });
});
