// The usage store on its worker thread (the built worker: the test setup builds dist/ first). The store's
// own semantics are tested in usage-store.test.ts; this checks what the thread adds: records handed off in
// batches arrive whole and in order, calls are answered after every earlier record, errors keep their
// codes, and close writes everything.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLakegateError } from '../core/index.js';
import { startedUsageRecord, type UsageRecord } from './usage-record.js';
import { UsageStore } from './usage-store.js';
import { UsageStoreThread } from './usage-store-thread.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function databasePath(): string {
  const folder = mkdtempSync(join(tmpdir(), 'lakegate-usage-thread-'));
  folders.push(folder);
  return join(folder, 'usage.duckdb');
}

function recordOf(i: number, time: number): UsageRecord {
  const record = startedUsageRecord(
    time,
    `req-${i}`,
    `p-${i % 2}`,
    `user-${i % 2}`,
    null,
    'converse',
    'local/extractive',
  );
  record.endpoint = 'local';
  record.provider = 'local';
  record.servedModel = 'extractive';
  record.inputTokens = i;
  record.outputTokens = 1;
  record.status = 'ok';
  record.costUsd = 0;
  return record;
}

describe('UsageStoreThread', () => {
  it('writes every record handed off in batches, in order, and reports them', async () => {
    const path = databasePath();
    const store = await UsageStoreThread.open({ path, handOffMs: 5 });
    const now = Date.now();
    // More than one hand-off batch (512) and some while a hand-off is on its way.
    for (let i = 1; i <= 1_300; i++) store.record(recordOf(i, now - 1_300 + i));
    const rows = await store.report({ by: 'principal', since: now - 3_600_000, until: now + 60_000 });
    expect(rows.map((r) => [r.key, r.requests]).sort()).toEqual([
      ['p-0', 650],
      ['p-1', 650],
    ]);
    const inputTokens = rows.reduce((sum, r) => sum + r.inputTokens, 0);
    expect(inputTokens).toBe((1_300 * 1_301) / 2);
    const recent = await store.recent(3);
    expect(recent.map((r) => r.requestId)).toEqual(['req-1300', 'req-1299', 'req-1298']);
    await store.flush();
    expect(store.stats()).toMatchObject({ queued: 0, written: 1_300, dropped: 0 });
    await store.close();
  });

  it('writes what is still queued when it closes, and refuses calls afterwards', async () => {
    const path = databasePath();
    const store = await UsageStoreThread.open({ path, handOffMs: 60_000 });
    for (let i = 1; i <= 10; i++) store.record(recordOf(i, Date.now()));
    await store.close();
    store.record(recordOf(11, Date.now()));
    expect(store.stats().dropped).toBe(1);
    const refused = await store.recent(1).catch((error: unknown) => error);
    expect(isLakegateError(refused) && refused.code).toBe('INTERNAL');
    const reopened = await UsageStore.open({ path });
    expect(await reopened.recent(100)).toHaveLength(10);
    await reopened.close();
  });

  it('fails to open with the store’s own error, and leaves no thread behind', async () => {
    const path = join(databasePath(), 'missing-folder', 'usage.duckdb');
    await expect(UsageStoreThread.open({ path })).rejects.toThrow(/usage\.duckdb|directory|No such file/i);
  });
});
