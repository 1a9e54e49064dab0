// `lakegate kb` against a real Lakegate: create over a volume folder, sync with its progress line and
// statistics, status, list, retrieve, ask with numbered sources, delete, and the errors a person meets.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok as okAs, useLakegate } from './test-support.js';

const { admin: lakegate } = useLakegate();
const ok = (...argv: string[]) => okAs(lakegate, ...argv);
const V = '/Volumes/main/docs/files';
let local: string;

beforeAll(async () => {
  local = mkdtempSync(join(tmpdir(), 'lakegate-kb-'));
  await ok('catalog', 'create', 'main');
  await ok('schema', 'create', 'main.docs');
  await ok('volume', 'create', 'main.docs.files');
  const files: Record<string, string> = {
    'flood.md': '# Flood claims\n\nThe adjuster must visit a flooded basement within five working days.',
    'theft.txt': 'Theft claims need a police report number.',
    'logo.bin': 'not a document',
  };
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(local, name), text);
    await ok('fs', 'cp', join(local, name), `${V}/policies/${name}`);
  }
});

afterAll(() => {
  rmSync(local, { recursive: true, force: true });
});

describe('lakegate kb', () => {
  it('creates, syncs with progress and statistics, and shows status and list', async () => {
    expect(await ok('kb', 'create', 'main.docs.policies', '--source', `${V}/policies`)).toMatch(
      /^Created knowledge base main\.docs\.policies \(kb_\w+\)/,
    );
    const sync = await lakegate('kb', 'sync', 'main.docs.policies', '--progress');
    expect(sync.code).toBe(0);
    expect(sync.stderr).toMatch(/Ingesting main\.docs\.policies: \[#+\] 3\/3 files \(100%\)\s+\d+ chunks\n$/);
    expect(sync.stdout).toMatch(/^SCANNED\s+NEW\s+MODIFIED\s+UNCHANGED\s+DELETED\s+FAILED\s+CHUNKS$/m);
    expect(sync.stdout).toMatch(/^3\s+2\s+0\s+0\s+0\s+1\s+\d+$/m);
    expect(sync.stdout).toMatch(/Failed files:[\s\S]*logo\.bin\s+unsupported format/);

    const again = await ok('kb', 'sync', 'main.docs.policies', '-o', 'json');
    expect(JSON.parse(again)).toMatchObject({ status: 'COMPLETE', statistics: { unchanged: 2, failed: 1 } });

    const status = await ok('kb', 'status', 'main.docs.policies');
    expect(status).toMatch(/^source:\s+\/Volumes\/main\/docs\/files\/policies$/m);
    expect(status).toMatch(/^documents:\s+2$/m);
    expect(status).toMatch(/^last sync:\s+COMPLETE/m);
    expect(await ok('kb', 'list', 'main.docs')).toMatch(
      /^main\.docs\.policies\s+2\s+\d+\s+COMPLETE\s+\/Volumes/m,
    );
  });

  it('retrieves and answers with numbered sources', async () => {
    const retrieved = await ok('kb', 'retrieve', 'main.docs.policies', 'flooded basement visit', '-n', '1');
    expect(retrieved).toMatch(/^SCORE\s+SOURCE\s+TEXT$/m);
    expect(retrieved).toContain(`${V}/policies/flood.md`);
    expect(retrieved.trim().split('\n')).toHaveLength(2);

    const answer = await ok(
      'kb',
      'ask',
      'main.docs.policies',
      'Within how many days must the adjuster visit?',
    );
    expect(answer).toMatch(/five working days\. \[1\]/);
    expect(answer).toContain(`Sources:\n[1] ${V}/policies/flood.md`);
    const json = JSON.parse(await ok('kb', 'ask', 'main.docs.policies', 'police report', '-o', 'json'));
    expect(json.citations[0].retrievedReferences[0].location.customDocumentLocation.id).toBe(
      `${V}/policies/theft.txt`,
    );
  });

  it('reports mistakes clearly', async () => {
    const noSource = await lakegate('kb', 'create', 'main.docs.other');
    expect(noSource).toMatchObject({ code: 2 });
    expect(noSource.stderr).toContain('--source');
    expect(await lakegate('kb', 'retrieve', 'main.docs.policies', 'x', '-n', '500')).toMatchObject({
      code: 2,
    });
    expect(await lakegate('kb', 'retrieve', 'main.docs.policies', 'x', '--filter', '{nope')).toMatchObject({
      code: 2,
    });
    const missing = await lakegate('kb', 'retrieve', 'main.docs.nothing', 'flood');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);
    const badFilter = await lakegate(
      'kb',
      'retrieve',
      'main.docs.policies',
      'x',
      '--filter',
      '{"equals":{"key":"a"}}',
    );
    expect(badFilter.code).toBe(1);
    expect(badFilter.stderr).toMatch(/value is required/);
  });

  it('deletes', async () => {
    expect(await ok('kb', 'delete', 'main.docs.policies')).toBe(
      'Deleted knowledge base main.docs.policies.\n',
    );
    expect((await lakegate('kb', 'status', 'main.docs.policies')).code).toBe(1);
  });
});
