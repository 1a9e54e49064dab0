import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLakegateError } from '../../core/index.js';
import { loadMasterKey } from './master-key.js';

const POSIX = process.platform !== 'win32';

let root: string;
let home: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lakegate-master-'));
  home = join(root, 'home');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('loadMasterKey', () => {
  it('creates a 256-bit key file readable by its owner only, in a folder only its owner can enter', () => {
    const key = loadMasterKey(home);
    expect(key.length).toBe(32);
    const path = join(home, 'master.key');
    if (POSIX) {
      expect(modeOf(path)).toBe(0o600);
      expect(modeOf(home)).toBe(0o700);
    }
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64').equals(key)).toBe(true);
  });

  it('reads the same key on the next start', () => {
    const first = loadMasterKey(home);
    expect(loadMasterKey(home).equals(first)).toBe(true);
  });

  it('derives the key from LAKEGATE_MASTER_KEY without writing a key file', () => {
    const key = loadMasterKey(home, 'correct horse battery staple');
    expect(key.equals(createHash('sha256').update('correct horse battery staple').digest())).toBe(true);
    expect(existsSync(join(home, 'master.key'))).toBe(false);
  });

  it('refuses a key file that does not hold 256 bits, naming the file', () => {
    loadMasterKey(home);
    const path = join(home, 'master.key');
    writeFileSync(path, randomBytes(16).toString('base64'));
    let caught: unknown;
    try {
      loadMasterKey(home);
    } catch (error) {
      caught = error;
    }
    expect(isLakegateError(caught) && caught.code).toBe('CONFIG_INVALID');
    expect((caught as Error).message).toContain(path);
  });
});
