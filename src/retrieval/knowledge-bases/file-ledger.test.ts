// The ingestion ledger: replay, begin/commit/delete semantics, compaction, and a line torn by a crash.

import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger, fileIdOf } from './file-ledger.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lakegate-ledger-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (path: string, chunks: number) => ({
  path,
  fileId: fileIdOf(path),
  sha256: `h-${path}-${chunks}`,
  chunks,
  size: 10,
  modifiedAt: '2026-01-01T00:00:00.000Z',
});

describe('FileLedger', () => {
  it('remembers the most chunk ids a begun file may have, and the exact count once committed', async () => {
    const ledger = await FileLedger.open(dir);
    ledger.commit(file('/a', 5), 5);
    ledger.begin('/a', fileIdOf('/a'), 8);
    ledger.begin('/b', fileIdOf('/b'), 3);
    ledger.close();
    const reopened = await FileLedger.open(dir);
    expect(reopened.get('/a')).toMatchObject({ touched: 8, committed: { chunks: 5 } });
    expect(reopened.get('/b')).toEqual({ fileId: fileIdOf('/b'), touched: 3 });
    reopened.commit(file('/a', 2), 2);
    reopened.remove('/b');
    expect(reopened.get('/a')).toMatchObject({ touched: 2, committed: { chunks: 2 } });
    expect(reopened.paths()).toEqual(['/a']);
    expect([reopened.documentCount(), reopened.chunkCount()]).toEqual([1, 2]);
    reopened.close();
  });

  it('cuts a torn last line on open, so the next line is not glued to it', async () => {
    const ledger = await FileLedger.open(dir);
    ledger.commit(file('/a', 1), 1);
    ledger.close();
    appendFileSync(join(dir, 'files.log'), '{"op":"commit","path":"/b","fil');
    const reopened = await FileLedger.open(dir);
    expect(reopened.paths()).toEqual(['/a']);
    reopened.commit(file('/c', 4), 4);
    reopened.close();
    const again = await FileLedger.open(dir);
    expect(again.paths().sort()).toEqual(['/a', '/c']);
    again.close();
  });

  it('compacts to one line per file', async () => {
    const ledger = await FileLedger.open(dir);
    for (let i = 1; i <= 5; i++) ledger.commit(file('/a', i), i);
    ledger.begin('/b', fileIdOf('/b'), 2);
    await ledger.compact();
    ledger.commit(file('/c', 1), 1);
    ledger.close();
    expect(readFileSync(join(dir, 'files.log'), 'utf8').trim().split('\n')).toHaveLength(3);
    const reopened = await FileLedger.open(dir);
    expect(reopened.get('/a')).toMatchObject({ touched: 5, committed: { chunks: 5 } });
    expect(reopened.get('/b')).toMatchObject({ touched: 2 });
    reopened.close();
  });
});
