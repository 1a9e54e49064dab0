// `lakegate fs` against a real Lakegate: copies both ways (files and folders), listing, cat, rm and
// mkdir, progress on stderr, and the errors a person meets.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok as okAs, useLakegate } from './test-support.js';

const { admin: lakegate } = useLakegate();
const ok = (...argv: string[]) => okAs(lakegate, ...argv);
const V = '/Volumes/claims/raw/inbox';
let local: string;

beforeAll(async () => {
  local = mkdtempSync(join(tmpdir(), 'lakegate-fs-'));
  await ok('catalog', 'create', 'claims');
  await ok('schema', 'create', 'claims.raw');
  await ok('volume', 'create', 'claims.raw.inbox');
});

afterAll(() => {
  rmSync(local, { recursive: true, force: true });
});

describe('lakegate fs', () => {
  it('copies a file up and down, lists it, and prints it', async () => {
    const source = join(local, 'claim-17.txt');
    const text = 'Water damage in the kitchen; adjuster visited on 3 May.\n'.repeat(2000);
    writeFileSync(source, text);
    await ok('fs', 'mkdir', `${V}/2026`);
    expect(await ok('fs', 'cp', source, `${V}/2026/`)).toBe('');
    expect(await ok('fs', 'ls', `${V}/2026`)).toBe('claim-17.txt\n');
    expect(await ok('fs', 'ls', V)).toBe('2026/\n');
    const long = await ok('fs', 'ls', '-l', `dbfs:${V}/2026`);
    expect(long).toMatch(/^TYPE\s+SIZE\s+MODIFIED\s+NAME$/m);
    expect(long).toMatch(
      new RegExp(`^FILE\\s+${text.length}\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+claim-17\\.txt$`, 'm'),
    );
    expect(await ok('fs', 'ls', '--absolute', `${V}/2026`)).toBe(`${V}/2026/claim-17.txt\n`);
    const json = JSON.parse(await ok('fs', 'ls', `${V}/2026`, '-o', 'json'));
    expect(json.contents[0]).toMatchObject({ name: 'claim-17.txt', file_size: text.length });

    expect(await ok('fs', 'cat', `${V}/2026/claim-17.txt`)).toBe(text);
    const back = join(local, 'back.txt');
    await ok('fs', 'cp', `${V}/2026/claim-17.txt`, back);
    expect(readFileSync(back, 'utf8')).toBe(text);
  });

  it('refuses to overwrite unless --overwrite, both ways', async () => {
    const a = join(local, 'a.txt');
    writeFileSync(a, 'one');
    await ok('fs', 'cp', a, `${V}/a.txt`);
    writeFileSync(a, 'two');
    const up = await lakegate('fs', 'cp', a, `${V}/a.txt`);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/already exists.*\(ALREADY_EXISTS\)/);
    await ok('fs', 'cp', '--overwrite', a, `${V}/a.txt`);
    expect(await ok('fs', 'cat', `${V}/a.txt`)).toBe('two');

    const down = await lakegate('fs', 'cp', `${V}/a.txt`, a);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('--overwrite');
  });

  it('shows bytes and rate on stderr with --progress, and nothing on stdout', async () => {
    const big = join(local, 'big.bin');
    writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 7));
    const run = await lakegate('fs', 'cp', '--progress', big, `${V}/big.bin`);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toMatch(
      /big\.bin -> \/Volumes\/claims\/raw\/inbox\/big\.bin: 3\.0 MiB \/ 3\.0 MiB \(100%\)\s+\S+ \S*B\/s\n$/,
    );
  });

  it('copies folders with -r, and copies between volumes', async () => {
    const tree = join(local, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    writeFileSync(join(tree, 'one.md'), '# one');
    writeFileSync(join(tree, 'sub', 'two.md'), '# two');
    const refused = await lakegate('fs', 'cp', tree, `${V}/tree`);
    expect(refused.stderr).toContain('use cp -r');
    const up = await lakegate('fs', 'cp', '-r', tree, `${V}/tree`);
    expect(up).toMatchObject({ code: 0, stderr: `Copied 2 files to ${V}/tree.\n` });
    const down = join(local, 'down');
    await lakegate('fs', 'cp', '-r', `${V}/tree`, down);
    expect(readFileSync(join(down, 'sub', 'two.md'), 'utf8')).toBe('# two');

    await ok('volume', 'create', 'claims.raw.archive');
    await ok('fs', 'cp', `${V}/tree/one.md`, '/Volumes/claims/raw/archive/');
    expect(await ok('fs', 'cat', '/Volumes/claims/raw/archive/one.md')).toBe('# one');
  });

  it('removes files, empty folders, and with -r whole folders', async () => {
    await ok('fs', 'mkdir', `${V}/gone/deeper`);
    const file = join(local, 'x.txt');
    writeFileSync(file, 'x');
    await ok('fs', 'cp', file, `${V}/gone/deeper/x.txt`);
    const full = await lakegate('fs', 'rm', `${V}/gone`);
    expect(full.code).toBe(1);
    expect(full.stderr).toContain('use rm -r');
    await ok('fs', 'rm', `${V}/gone/deeper/x.txt`);
    await ok('fs', 'cp', file, `${V}/gone/y.txt`);
    await ok('fs', 'rm', '-r', `${V}/gone`);
    const missing = await lakegate('fs', 'ls', `${V}/gone`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist.*\(NOT_FOUND\)/);
    const nothing = await lakegate('fs', 'rm', `${V}/gone`);
    expect(nothing.stderr).toContain('does not exist or you do not have permission');
  });

  it('says what is wrong with a path, and points at usage', async () => {
    const notVolume = await lakegate('fs', 'ls', '/tmp');
    expect(notVolume.code).toBe(2);
    expect(notVolume.stderr).toContain('is not a volume path');
    const bothLocal = await lakegate('fs', 'cp', 'a', 'b');
    expect(bothLocal.code).toBe(2);
    for (const path of [`${V}/../../x`, `${V}/a/../b.txt`]) {
      const climbing = await lakegate('fs', 'cat', path);
      expect(climbing.code).toBe(1);
      expect(climbing.stderr).toMatch(/"\.\." is not allowed in a volume path/);
    }
    expect((await ok('help', 'fs')).startsWith('Usage: lakegate fs')).toBe(true);
  });
});
