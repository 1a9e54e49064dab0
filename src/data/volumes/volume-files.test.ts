// VolumeFiles against a real catalog and a real folder: writes are atomic and limited, paths cannot
// climb out of a volume (.., NUL, links), privileges decide who reads and writes, and the audit log
// gets path, size and hash but never the content.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Securable } from '../../catalog/index.js';
import { chunks, readAll, type VolumeFixture, volumeFixture } from './test-support.js';

let fx: VolumeFixture;
let volume: Securable;
const V = '/Volumes/main/docs/files';

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

async function text(actor: Actor, path: string): Promise<string> {
  const opened = await fx.files.openFile(actor, path);
  return (await readAll(opened.stream())).toString('utf8');
}

beforeAll(async () => {
  fx = await volumeFixture({ maxFileBytes: 1024 });
  await fx.catalog.securables.createCatalog(fx.admin, 'main');
  await fx.catalog.securables.createSchema(fx.admin, 'main.docs');
  volume = await fx.catalog.securables.createObject(fx.admin, 'volume', 'main.docs.files', {
    details: { volume_type: 'MANAGED' },
  });
});

afterAll(async () => {
  await fx.close();
});

describe('writing and reading', () => {
  it('writes a file from chunks, reads it back, and reports its size and SHA-256', async () => {
    const written = await fx.files.put(fx.admin, `${V}/a/b/notes.txt`, chunks('hello ', 'volume'));
    expect(written).toMatchObject({
      path: `${V}/a/b/notes.txt`,
      size: 12,
      sha256: createHash('sha256').update('hello volume').digest('hex'),
    });
    expect(await text(fx.admin, `${V}/a/b/notes.txt`)).toBe('hello volume');
    // Stored under the volume's id, so a rename keeps the files.
    expect(readFileSync(join(fx.dir, volume.id, 'a', 'b', 'notes.txt'), 'utf8')).toBe('hello volume');
    const stat = await fx.files.stat(fx.admin, `${V}/a/b/notes.txt`);
    expect(stat).toMatchObject({ isDirectory: false, size: 12, name: 'notes.txt' });
    expect(await fx.files.stat(fx.admin, `${V}/a`)).toMatchObject({ isDirectory: true, path: `${V}/a/` });
  });

  it('reads an inclusive byte range', async () => {
    await fx.files.put(fx.admin, `${V}/range.txt`, chunks('0123456789'));
    const opened = await fx.files.openFile(fx.admin, `${V}/range.txt`);
    expect((await readAll(opened.stream({ start: 2, end: 5 }))).toString()).toBe('2345');
  });

  it('refuses to replace a file unless asked to, and replaces it whole when asked', async () => {
    await fx.files.put(fx.admin, `${V}/once.txt`, chunks('first'));
    const refused = await rejection(fx.files.put(fx.admin, `${V}/once.txt`, chunks('second')));
    expect(refused.code).toBe('ALREADY_EXISTS');
    expect(await text(fx.admin, `${V}/once.txt`)).toBe('first');
    await fx.files.put(fx.admin, `${V}/once.txt`, chunks('second'), { overwrite: true });
    expect(await text(fx.admin, `${V}/once.txt`)).toBe('second');
  });

  it('leaves nothing behind when an upload is too large or its stream fails halfway', async () => {
    await fx.files.put(fx.admin, `${V}/keep.txt`, chunks('original'));
    const big = await rejection(
      fx.files.put(fx.admin, `${V}/keep.txt`, chunks(Buffer.alloc(600), Buffer.alloc(600)), {
        overwrite: true,
      }),
    );
    expect(big.code).toBe('PAYLOAD_TOO_LARGE');
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('partial');
      throw new Error('connection reset');
    }
    await expect(fx.files.put(fx.admin, `${V}/keep.txt`, broken(), { overwrite: true })).rejects.toThrow(
      'connection reset',
    );
    await expect(fx.files.put(fx.admin, `${V}/new.txt`, broken())).rejects.toThrow('connection reset');
    expect(await text(fx.admin, `${V}/keep.txt`)).toBe('original');
    expect((await rejection(fx.files.stat(fx.admin, `${V}/new.txt`))).code).toBe('NOT_FOUND');
    expect(readdirSync(join(fx.dir, '.incoming'))).toEqual([]);
  });

  it('leaves nothing behind when the body fails before the temporary file is even open', async () => {
    // The pipeline rejects at once, while the write stream is still opening its file: removing the file
    // then would race the open, which creates it again.
    async function* failsAtOnce(): AsyncGenerator<Uint8Array> {
      yield* [];
      throw new Error('connection reset');
    }
    for (let i = 0; i < 20; i++) {
      await expect(fx.files.put(fx.admin, `${V}/never-${i}.txt`, failsAtOnce())).rejects.toThrow(
        'connection reset',
      );
    }
    expect(readdirSync(join(fx.dir, '.incoming'))).toEqual([]);
  });

  it('creates and deletes folders; a folder that is not empty stays', async () => {
    await fx.files.mkdir(fx.admin, `${V}/x/y/z`);
    await fx.files.mkdir(fx.admin, `${V}/x/y/z`);
    await fx.files.put(fx.admin, `${V}/x/y/file.txt`, chunks('.'));
    const notEmpty = await rejection(fx.files.deleteDirectory(fx.admin, `${V}/x/y`));
    expect(notEmpty).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(notEmpty.message).toContain('not empty');
    await fx.files.deleteDirectory(fx.admin, `${V}/x/y/z`);
    await fx.files.deleteFile(fx.admin, `${V}/x/y/file.txt`);
    await fx.files.deleteDirectory(fx.admin, `${V}/x/y`);
    expect((await rejection(fx.files.stat(fx.admin, `${V}/x/y`))).code).toBe('NOT_FOUND');
    expect((await rejection(fx.files.deleteFile(fx.admin, `${V}/x/y/file.txt`))).code).toBe('NOT_FOUND');
    expect((await rejection(fx.files.deleteDirectory(fx.admin, V))).code).toBe('VALIDATION_FAILED');
    // A file where a folder is needed, and the other way round.
    expect((await rejection(fx.files.put(fx.admin, `${V}/x`, chunks('.')))).code).toBe('VALIDATION_FAILED');
    await fx.files.put(fx.admin, `${V}/plain.txt`, chunks('.'));
    expect((await rejection(fx.files.mkdir(fx.admin, `${V}/plain.txt/sub`))).code).toBe('VALIDATION_FAILED');
    expect((await rejection(fx.files.deleteFile(fx.admin, `${V}/x`))).code).toBe('VALIDATION_FAILED');
  });

  it('lists a folder in pages, by name, folders marked', async () => {
    for (const name of ['c.txt', 'a.txt', 'b.txt', 'e.txt', 'd.txt']) {
      await fx.files.put(fx.admin, `${V}/paged/${name}`, chunks(name));
    }
    await fx.files.mkdir(fx.admin, `${V}/paged/sub`);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await fx.files.list(fx.admin, `${V}/paged/`, {
        pageSize: 2,
        ...(token ? { pageToken: token } : {}),
      });
      names.push(...page.entries.map((e) => (e.isDirectory ? `${e.name}/` : e.name)));
      token = page.nextPageToken;
      pages++;
    } while (token);
    expect(names).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'sub/']);
    expect(pages).toBe(3);
    const first = await fx.files.list(fx.admin, `${V}/paged`, { pageSize: 1 });
    expect(first.entries[0]).toMatchObject({ path: `${V}/paged/a.txt`, size: 5, isDirectory: false });
    expect((await rejection(fx.files.list(fx.admin, `${V}/paged`, { pageToken: 'garbage!' }))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await rejection(fx.files.list(fx.admin, `${V}/paged/a.txt`))).code).toBe('VALIDATION_FAILED');
    expect((await rejection(fx.files.list(fx.admin, `${V}/nowhere`))).code).toBe('NOT_FOUND');
  });

  it('walks a folder recursively with sizes and times, and resolves a file for ingestion', async () => {
    await fx.files.put(fx.admin, `${V}/tree/one.md`, chunks('# one'));
    await fx.files.put(fx.admin, `${V}/tree/deep/er/two.md`, chunks('## two'));
    const seen = [];
    for await (const entry of fx.files.walk(fx.admin, `${V}/tree`)) seen.push(entry);
    expect(seen.map((e) => [e.path, e.size])).toEqual([
      [`${V}/tree/deep/er/two.md`, 6],
      [`${V}/tree/one.md`, 5],
    ]);
    expect(seen.every((e) => e.modifiedAt instanceof Date)).toBe(true);
    const resolved = await fx.files.resolveForRead(fx.admin, `${V}/tree/one.md`);
    expect(resolved.size).toBe(5);
    expect(readFileSync(resolved.localPath, 'utf8')).toBe('# one');
  });

  it('treats Unicode spellings of one name as one file', async () => {
    const nfd = 'Caf\u0065\u0301.txt';
    const nfc = 'Caf\u00e9.txt';
    await fx.files.put(fx.admin, `${V}/${nfd}`, chunks('coffee'));
    expect(await text(fx.admin, `${V}/${nfc}`)).toBe('coffee');
    const listed = await fx.files.list(fx.admin, V);
    expect(listed.entries.map((e) => e.name)).toContain(nfc);
    expect(listed.entries.map((e) => e.name)).not.toContain(nfd);
  });
});

describe('paths that try to leave the volume', () => {
  it.each([
    [`${V}/../other/x.txt`, '".." is not allowed'],
    [`${V}/a/./b.txt`, '"." is not allowed'],
    [`${V}/a\u0000b`, 'NUL or control characters'],
    [`${V}/a//b`, 'empty folder name'],
    [`${V}/a\\..\\b`, 'backslash'],
    ['/etc/passwd', 'must start with /Volumes/'],
    ['Volumes/main/docs/files/x', 'must start with /Volumes/'],
    ['/Volumes/main/docs', 'must name /Volumes/<catalog>/<schema>/<volume>'],
    [V, 'names the volume itself'],
    [`${V}/${'x'.repeat(256)}`, 'longer than 255 bytes'],
  ])('refuses %j', async (path, why) => {
    const error = await rejection(fx.files.put(fx.admin, path, chunks('x')));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain(why);
  });

  it('never follows a symbolic link out of the volume', async () => {
    const outside = join(fx.dir, '..', 'outside');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'secret.txt'), 'top secret');
    await fx.files.mkdir(fx.admin, `${V}/links`);
    const root = join(fx.dir, volume.id);
    symlinkSync(outside, join(root, 'links', 'dir'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'links', 'file.txt'));

    for (const path of [`${V}/links/file.txt`, `${V}/links/dir/secret.txt`]) {
      expect((await rejection(fx.files.openFile(fx.admin, path))).code).toBe('NOT_FOUND');
      expect((await rejection(fx.files.resolveForRead(fx.admin, path))).code).toBe('NOT_FOUND');
    }
    expect((await rejection(fx.files.list(fx.admin, `${V}/links/dir`))).code).toBe('NOT_FOUND');
    expect((await fx.files.list(fx.admin, `${V}/links`)).entries).toEqual([]);
    const walked = [];
    for await (const entry of fx.files.walk(fx.admin, `${V}/links`)) walked.push(entry);
    expect(walked).toEqual([]);
    // Writing through the linked folder is refused and the outside stays as it was.
    expect((await rejection(fx.files.put(fx.admin, `${V}/links/dir/new.txt`, chunks('x')))).code).toBe(
      'NOT_FOUND',
    );
    expect((await rejection(fx.files.mkdir(fx.admin, `${V}/links/dir/sub`))).code).toBe('NOT_FOUND');
    expect(existsSync(join(outside, 'new.txt'))).toBe(false);
    expect(existsSync(join(outside, 'sub'))).toBe(false);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
  });
});

describe('privileges and audit', () => {
  it('needs READ VOLUME to read and WRITE VOLUME to write; an invisible volume is not found', async () => {
    const reader = await fx.user('reader');
    const writer = await fx.user('writer');
    await fx.files.put(fx.admin, `${V}/shared/report.txt`, chunks('quarterly'));

    const hidden = await rejection(fx.files.openFile(reader, `${V}/shared/report.txt`));
    expect(hidden.code).toBe('NOT_FOUND');
    const missing = await rejection(fx.files.openFile(reader, '/Volumes/main/docs/nothing/x.txt'));
    expect(missing.code).toBe('NOT_FOUND');
    // The same words whether the volume exists or not.
    expect(hidden.message.replace('files', 'nothing')).toBe(missing.message);

    const { securables } = fx.catalog;
    await securables.updatePermissions(fx.admin, 'catalog', 'main', [
      { principal: 'reader', add: ['USE CATALOG'] },
      { principal: 'writer', add: ['USE CATALOG'] },
    ]);
    await securables.updatePermissions(fx.admin, 'schema', 'main.docs', [
      { principal: 'reader', add: ['USE SCHEMA'] },
      { principal: 'writer', add: ['USE SCHEMA'] },
    ]);
    await securables.updatePermissions(fx.admin, 'volume', 'main.docs.files', [
      { principal: 'reader', add: ['READ VOLUME'] },
      { principal: 'writer', add: ['READ VOLUME', 'WRITE VOLUME'] },
    ]);

    expect(await text(reader, `${V}/shared/report.txt`)).toBe('quarterly');
    expect((await fx.files.list(reader, `${V}/shared`)).entries).toHaveLength(1);
    const denied = await rejection(
      fx.files.put(reader, `${V}/shared/report.txt`, chunks('x'), { overwrite: true }),
    );
    expect(denied.code).toBe('AUTH_PERMISSION_DENIED');
    expect((await rejection(fx.files.deleteFile(reader, `${V}/shared/report.txt`))).code).toBe(
      'AUTH_PERMISSION_DENIED',
    );
    expect(await text(reader, `${V}/shared/report.txt`)).toBe('quarterly');

    await fx.files.put(writer, `${V}/shared/report.txt`, chunks('annual'), { overwrite: true });
    await fx.files.deleteFile(writer, `${V}/shared/report.txt`);

    await fx.catalog.audit.flush();
    const { records } = await fx.catalog.audit.query({ securableName: 'main.docs.files', limit: 1000 });
    const put = records.find((r) => r.action === 'volumes.putFile' && r.principalId === writer.principalId);
    expect(put).toMatchObject({
      decision: 'allow',
      params: {
        path: `${V}/shared/report.txt`,
        size: 6,
        sha256: createHash('sha256').update('annual').digest('hex'),
      },
    });
    expect(JSON.stringify(records)).not.toContain('annual"');
    expect(JSON.stringify(records)).not.toContain('quarterly');
    const deny = records.find((r) => r.action === 'volumes.putFile' && r.principalId === reader.principalId);
    expect(deny).toMatchObject({ decision: 'deny', params: { path: `${V}/shared/report.txt` } });
  });

  it('refuses the files of EXTERNAL volumes', async () => {
    await fx.catalog.securables.createObject(fx.admin, 'volume', 'main.docs.ext', {
      details: { volume_type: 'EXTERNAL', storage_location: 's3://bucket/x' },
    });
    const error = await rejection(fx.files.list(fx.admin, '/Volumes/main/docs/ext'));
    expect(error.code).toBe('UNSUPPORTED_OPERATION');
  });

  it('removes a volume’s files with the volume', async () => {
    const gone = await fx.catalog.securables.createObject(fx.admin, 'volume', 'main.docs.gone', {
      details: { volume_type: 'MANAGED' },
    });
    await fx.files.put(fx.admin, '/Volumes/main/docs/gone/a.txt', chunks('a'));
    expect(existsSync(join(fx.dir, gone.id, 'a.txt'))).toBe(true);
    await fx.files.removeVolume(gone.id);
    expect(existsSync(join(fx.dir, gone.id))).toBe(false);
  });
});
