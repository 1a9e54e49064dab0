// The 256-bit master key that seals SigV4 secrets in the store. It never goes into the store itself: it
// comes from LAKEGATE_MASTER_KEY, or from a key file in the data folder readable by its owner only.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LakegateError } from '../../core/index.js';

/** The key from LAKEGATE_MASTER_KEY if given (any string, hashed to 32 bytes), else `<home>/master.key`. */
export function loadMasterKey(home: string, fromEnv?: string): Buffer {
  if (fromEnv) return createHash('sha256').update(fromEnv).digest();
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = join(home, 'master.key');
  // `wx` so that two processes starting at once cannot overwrite each other's key.
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new LakegateError('CONFIG_INVALID', `${path} does not hold a 256-bit key.`);
  return key;
}
