import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spoolUpload } from './spool-upload.js';

const dir = mkdtempSync(join(tmpdir(), 'lakegate-spool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function* parts(...chunks: string[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield Buffer.from(chunk);
}

describe('spoolUpload', () => {
  it('writes the body to a private file and removes it on request', async () => {
    const spooled = await spoolUpload(parts('a,b\n', '1,2\n'), dir, '.csv', 100);
    expect(spooled.size).toBe(8);
    expect(readFileSync(spooled.path, 'utf8')).toBe('a,b\n1,2\n');
    await spooled.remove();
    expect(existsSync(spooled.path)).toBe(false);
  });

  it('refuses a body past the limit, declared or streamed, and leaves no file', async () => {
    await expect(spoolUpload(parts('x'), dir, '.csv', 10, 11)).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    await expect(spoolUpload(parts('123456', '789012'), dir, '.csv', 10)).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports a body that breaks off as an incomplete upload', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('id\n');
      throw new Error('socket hang up');
    }
    await expect(spoolUpload(broken(), dir, '.csv', 100)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('before the whole file'),
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});
