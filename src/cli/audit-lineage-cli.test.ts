// `lakegate audit list|verify` and `lakegate lineage` against a real Lakegate. The audit chain is broken
// the way an attacker with write access to the database would: by editing a row of the SQLite file.

import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliAt, ok, useLakegate } from './test-support.js';

const suite = useLakegate();
const { admin } = suite;

describe('lakegate lineage', () => {
  beforeAll(async () => {
    await ok(admin, 'catalog', 'create', 'main');
    await ok(admin, 'schema', 'create', 'main.claims');
    for (const table of ['raw', 'clean', 'summary', 'archive']) {
      await ok(admin, 'table', 'create', `main.claims.${table}`, '--column', 'id:int');
    }
    const { lineage } = suite.harness.server.catalog;
    const edge = (source: string, target: string, kind: string) =>
      lineage.record({
        sourceType: 'table',
        sourceName: `main.claims.${source}`,
        targetType: 'table',
        targetName: `main.claims.${target}`,
        kind,
      });
    await edge('raw', 'clean', 'CTAS');
    await edge('clean', 'summary', 'INSERT_SELECT');
    await edge('raw', 'archive', 'CTAS');
  });

  it('draws downstream lineage as a tree, to the depth asked', async () => {
    expect(await ok(admin, 'lineage', 'table', 'main.claims.raw', '--downstream', '--depth', '2')).toBe(
      [
        'main.claims.raw',
        '├──CTAS──▶ main.claims.archive',
        '└──CTAS──▶ main.claims.clean',
        '   └──INSERT_SELECT──▶ main.claims.summary',
        '',
      ].join('\n'),
    );
    // Downstream is the default; depth 1 stops early and says so.
    expect(await ok(admin, 'lineage', 'table', 'main.claims.raw')).toBe(
      [
        'main.claims.raw',
        '├──CTAS──▶ main.claims.archive',
        '└──CTAS──▶ main.claims.clean',
        '… lineage continues beyond depth 1',
        '',
      ].join('\n'),
    );
  });

  it('draws upstream lineage', async () => {
    expect(await ok(admin, 'lineage', 'table', 'main.claims.summary', '--upstream', '--depth', '3')).toBe(
      [
        'main.claims.summary',
        '└─◀─INSERT_SELECT── main.claims.clean',
        '   └─◀─CTAS── main.claims.raw',
        '',
      ].join('\n'),
    );
    expect(await ok(admin, 'lineage', 'table', 'main.claims.raw', '--upstream')).toBe(
      'main.claims.raw\n(no upstream lineage)\n',
    );
  });

  it('prints the graph as JSON', async () => {
    const graph = JSON.parse(await ok(admin, 'lineage', 'table', 'main.claims.raw', '-o', 'json'));
    expect(graph.direction).toBe('downstream');
    expect(graph.edges).toHaveLength(2);
    expect(graph.edges[0]).toMatchObject({ source_name: 'main.claims.raw', kind: 'CTAS' });
  });

  it('refuses bad options as usage errors', async () => {
    for (const argv of [
      ['lineage', 'table', 'main.claims.raw', '--upstream', '--downstream'],
      ['lineage', 'table', 'main.claims.raw', '--depth', '11'],
      ['lineage', 'table'],
      ['lineage', 'tabel', 'main.claims.raw'],
    ]) {
      const run = await admin(...argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr).toContain('Usage: lakegate lineage');
    }
  });

  it('is not found for an object that does not exist', async () => {
    const run = await admin('lineage', 'table', 'main.claims.nothing');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not exist/);
  });
});

describe('lakegate audit', () => {
  it('lists recent records in aligned columns, filtered', async () => {
    await ok(admin, 'catalog', 'create', 'audited');
    const list = await ok(admin, 'audit', 'list', '--since', '1h', '--action', 'catalog.createCatalog');
    const lines = list.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+PRINCIPAL\s+ACTION\s+SECURABLE\s+DECISION$/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^\d{4}-\d\d-\d\dT[\d:.]+Z\s+admin\s+catalog\.createCatalog\s+catalog audited\s+none$/,
      ),
    );
    expect(lines.slice(1).every((l) => l.includes('catalog.createCatalog'))).toBe(true);
    // Aligned: the ACTION column starts at the same offset on every line.
    const at = lines[0]!.indexOf('ACTION');
    expect(lines.every((l) => l.slice(at).match(/^(ACTION|catalog\.createCatalog)/))).toBe(true);

    expect(await ok(admin, 'audit', 'list', '--since', '2999-01-01T00:00:00Z')).toBe('No audit records.\n');
  });

  it('pages with --limit and --cursor', async () => {
    const first = await ok(admin, 'audit', 'list', '--limit', '2');
    expect(first.trimEnd().split('\n')).toHaveLength(4);
    const cursor = /\(more: --cursor (\S+)\)\n$/.exec(first)?.[1];
    expect(cursor).toBeDefined();
    const second = await ok(admin, 'audit', 'list', '--limit', '2', '--cursor', cursor!);
    expect(second.split('\n')[1]).not.toBe(first.split('\n')[1]);
  });

  it('prints the raw records as JSON', async () => {
    const page = JSON.parse(await ok(admin, 'audit', 'list', '--limit', '1', '--output', 'json'));
    expect(page.records).toHaveLength(1);
    expect(page.records[0]).toMatchObject({ seq: expect.any(Number), action: expect.any(String) });
  });

  it('refuses bad filters as usage errors', async () => {
    for (const option of [
      ['--since', 'yesterday'],
      ['--limit', '0'],
      ['--decision', 'maybe'],
    ]) {
      const run = await admin('audit', 'list', ...option);
      expect(run.code, option.join(' ')).toBe(2);
      expect(run.stderr).toContain('Usage: lakegate audit');
    }
  });

  it('is for admins only', async () => {
    await ok(admin, 'principals', 'create', 'ivy', '--kind', 'user');
    const token = (await admin('keys', 'create', 'ivy')).stdout.trim();
    const ivy = cliAt(suite.harness.url, token);
    for (const argv of [
      ['audit', 'list'],
      ['audit', 'verify'],
    ]) {
      const run = await ivy(...argv);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^lakegate: .+\n$/);
    }
  });

  it('verifies an intact chain (exit 0), then finds an altered record (exit 1)', async () => {
    const intact = await ok(admin, 'audit', 'verify');
    expect(intact).toMatch(/^OK: the audit chain is intact — \d+ records verified/);
    expect(JSON.parse(await ok(admin, 'audit', 'verify', '--output', 'json'))).toMatchObject({ ok: true });

    const db = new Database(join(suite.harness.home, 'control.db'));
    try {
      db.prepare("UPDATE audit_log SET action = 'nothing.to.see' WHERE seq = 2").run();
    } finally {
      db.close();
    }
    const broken = await admin('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('FAILED: the audit chain is broken at record 2.');
    expect(broken.stdout).toContain('record 2 was altered');
    const json = await admin('audit', 'verify', '--output', 'json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, first_bad_seq: 2 });
  });
});
