// The usage store in its own process (the built child: the test setup builds dist/ first). The store's
// own semantics are tested in usage-store.test.ts; this checks what the process adds: records handed off
// in batches arrive whole and in order, calls are answered after every earlier record, errors keep their
// codes, close writes everything, a gateway that dies leaves neither records nor a process behind, and a
// store whose process dies fails loudly instead of hanging.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isLakegateError } from '../core/index.js';
import { startedUsageRecord, type UsageRecord } from './usage-record.js';
import { UsageStore } from './usage-store.js';
import { UsageStoreProcess } from './usage-store-process.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function databasePath(): string {
  const folder = mkdtempSync(join(tmpdir(), 'lakegate-usage-process-'));
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

describe('UsageStoreProcess', () => {
  it('writes every record handed off in batches, in order, and reports them', async () => {
    const path = databasePath();
    const store = await UsageStoreProcess.open({ path, handOffMs: 5 });
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
    const store = await UsageStoreProcess.open({ path, handOffMs: 60_000 });
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

  it('fails to open with the store’s own error, its process gone', async () => {
    const path = join(databasePath(), 'missing-folder', 'usage.duckdb');
    await expect(UsageStoreProcess.open({ path })).rejects.toThrow(/usage\.duckdb|directory|No such file/i);
  });

  it('refuses a second store on the same file, saying that another Lakegate holds the home', async () => {
    const path = databasePath();
    const first = await UsageStoreProcess.open({ path });
    try {
      const refused = await UsageStoreProcess.open({ path }).catch((error: unknown) => error);
      expect(isLakegateError(refused) && refused.code).toBe('CONFIG_INVALID');
      expect((refused as Error).message).toContain(`in use by another process (pid ${first.pid})`);
      expect((refused as Error).message).toMatch(/own LAKEGATE_HOME/);
    } finally {
      await first.close();
    }
  });

  it('keeps what a killed gateway handed over, and its process leaves with the gateway', async () => {
    const path = databasePath();
    const builtModule = fileURLToPath(new URL('../../dist/observability/index.js', import.meta.url));
    // A stand-in gateway: opens the store, records, waits for the hand-off, says which process holds the
    // store, and kills itself without closing anything.
    const gateway = join(path, '..', 'gateway.mjs');
    writeFileSync(
      gateway,
      `import { UsageStoreProcess } from ${JSON.stringify(builtModule)};
       import { startedUsageRecord } from ${JSON.stringify(builtModule.replace('index.js', 'usage-record.js'))};
       const store = await UsageStoreProcess.open({ path: ${JSON.stringify(path)}, handOffMs: 1 });
       for (let i = 0; i < 25; i++) store.record(startedUsageRecord(Date.now(), 'req-' + i, 'p', 'u', null, 'converse', 'm'));
       await new Promise((resolve) => setTimeout(resolve, 200));
       process.stdout.write(String(store.pid), () => process.kill(process.pid, 'SIGKILL'));`,
    );
    const childPid = await promisify(execFile)(process.execPath, [gateway]).then(
      () => Number.NaN,
      (error: { stdout: string; signal: string }) => {
        expect(error.signal).toBe('SIGKILL');
        return Number(error.stdout);
      },
    );
    expect(childPid).toBeGreaterThan(0);
    await expect.poll(() => isRunning(childPid), { timeout: 10_000 }).toBe(false);
    const reopened = await UsageStore.open({ path });
    expect(await reopened.recent(100)).toHaveLength(25);
    await reopened.close();
  });

  it('restarts a process that stopped, keeping the records that arrive meanwhile, and says so', async () => {
    const errors: Error[] = [];
    const store = await UsageStoreProcess.open({
      path: databasePath(),
      handOffMs: 5,
      restartDelayMs: 50,
      onError: (error) => errors.push(error as Error),
    });
    for (let i = 1; i <= 3; i++) store.record(recordOf(i, Date.now()));
    await store.flush();
    const firstPid = store.pid;
    process.kill(firstPid ?? Number.NaN, 'SIGKILL');
    // A call waiting on the stopped process fails with why; one made while it is gone fails at once.
    await expect(store.recent(1)).rejects.toThrow("The usage store's process was stopped by SIGKILL.");
    await expect(store.recent(1)).rejects.toThrow(/restarting it/);
    for (let i = 4; i <= 6; i++) store.record(recordOf(i, Date.now()));
    await expect.poll(() => store.pid, { timeout: 10_000 }).not.toBeUndefined();
    expect(store.pid).not.toBe(firstPid);
    const recent = await store.recent(10);
    expect(recent.map((r) => r.requestId)).toEqual(['req-6', 'req-5', 'req-4', 'req-3', 'req-2', 'req-1']);
    // Counters carry on across the restart instead of starting again at zero.
    expect(store.stats()).toMatchObject({ queued: 0, written: 6, dropped: 0 });
    expect(errors.map((error) => error.message)).toEqual([
      "The usage store's process was stopped by SIGKILL. Starting it again in 0.1 s.",
    ]);
    await store.close();
  });
});

/** Whether the process lives: an exited one whose new parent has not reaped it yet (a zombie) does not. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
