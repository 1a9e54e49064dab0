// `lakegate table create|insert|load|history` against a real Lakegate: a managed table created with
// columns takes rows from JSON, a local file (uploaded, with progress) or a volume file, and shows
// its versions as a table.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAt, ok as okAs, useLakegate } from './test-support.js';

const lakegate = useLakegate();
const ok = (...argv: string[]) => okAs(lakegate.admin, ...argv);
const dir = mkdtempSync(join(tmpdir(), 'lakegate-table-cli-'));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(async () => {
  await ok('catalog', 'create', 'ins');
  await ok('schema', 'create', 'ins.claims');
  await ok(
    'table',
    'create',
    'ins.claims.policies',
    '--column',
    'id:LONG not null',
    '--column',
    'region:STRING',
    '--column',
    'premium:decimal(10,2)',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lakegate table insert, load and history', () => {
  it('inserts rows given as JSON', async () => {
    expect(
      await ok(
        'table',
        'insert',
        'ins.claims.policies',
        '--json',
        '[{"id": 1, "region": "north", "premium": 100.5}]',
      ),
    ).toBe('Wrote version 1 of ins.claims.policies: 1 rows added, 0 removed; 1 rows in total.\n');
    const bad = await lakegate.admin('table', 'insert', 'ins.claims.policies', '--json', '[{"id": "one"}]');
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toBe(
      'lakegate: Row 1, column "id" (LONG): expected a whole number (LONG). (INVALID_ARGUMENT)\n',
    );
  });

  it('uploads a local file and merges on a key, with progress when asked', async () => {
    const csv = file('policies.csv', 'id,region,premium\n1,NORTH,110\n2,south,90\n');
    const run = await lakegate.admin(
      'table',
      'load',
      'ins.claims.policies',
      csv,
      '--mode',
      'merge',
      '--merge-key',
      'id',
      '--progress',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'Wrote version 2 of ins.claims.policies: 1 rows added, 0 removed, 1 updated; 2 rows in total.\n',
    );
    expect(run.stderr).toMatch(/^policies\.csv -> ins\.claims\.policies: 41 B \/ 41 B \(100%\)/m);
    const tsv = file('more.tsv', 'id\tregion\tpremium\n3\teast\t1\n');
    expect(await ok('table', 'load', 'ins.claims.policies', tsv, '-o', 'json')).toContain('"rows_total": 3');
  });

  it('loads a file from a volume on the server', async () => {
    await ok('volume', 'create', 'ins.claims.landing');
    await ok(
      'fs',
      'cp',
      file('late.jsonl', '{"id": 4, "region": "west"}\n'),
      '/Volumes/ins/claims/landing/late.jsonl',
    );
    expect(await ok('table', 'load', 'ins.claims.policies', '/Volumes/ins/claims/landing/late.jsonl')).toBe(
      'Wrote version 4 of ins.claims.policies: 1 rows added, 0 removed; 4 rows in total.\n',
    );
  });

  it('draws the history as a table', async () => {
    const history = await ok('table', 'history', 'ins.claims.policies');
    const [header, ...rows] = history.trimEnd().split('\n');
    expect(header).toMatch(
      /^VERSION\s+OPERATION\s+PRINCIPAL\s+TIMESTAMP\s+ADDED\s+REMOVED\s+UPDATED\s+TOTAL\s+READABLE$/,
    );
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatch(/^4\s+WRITE\s+admin\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+1\s+0\s+0\s+4\s+yes$/);
    expect(rows[2]).toMatch(/^2\s+MERGE\s+admin\s+\S+\s+1\s+0\s+1\s+2\s+yes$/);
    expect(rows[4]).toMatch(/^0\s+CREATE TABLE\s+admin\s/);
  });

  it('refuses usage mistakes before calling the server, and answers as NOT_FOUND for others', async () => {
    const noKey = await lakegate.admin(
      'table',
      'load',
      'ins.claims.policies',
      file('x.csv', 'id\n1\n'),
      '--mode',
      'merge',
    );
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('a merge needs --merge-key');
    const noFormat = await lakegate.admin('table', 'load', 'ins.claims.policies', file('x.dat', '1\n'));
    expect(noFormat.code).toBe(2);
    expect(noFormat.stderr).toContain('give --format');
    await ok('principals', 'create', 'table_stranger', '--kind', 'user');
    const created = await lakegate.admin('keys', 'create', 'table_stranger');
    const asStranger = cliAt(lakegate.harness.url, created.stdout.trim());
    const hidden = await asStranger('table', 'load', 'ins.claims.policies', file('y.csv', 'id\n9\n'));
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toContain('(NOT_FOUND)');
  });
});
