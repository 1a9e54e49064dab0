// The table-driven CRC-32 (for Node 20 releases without zlib.crc32) agrees with zlib's.

import { describe, expect, it } from 'vitest';
import { crc32, tableCrc32 } from './crc32.js';

describe('crc32', () => {
  it('the fallback for Node releases without zlib.crc32 agrees with zlib, also when continued', () => {
    const data = Buffer.from('The adjuster estimated the repair at 12,400 EUR — Grüße');
    expect(tableCrc32(data)).toBe(crc32(data));
    expect(tableCrc32(data.subarray(9), tableCrc32(data.subarray(0, 9)))).toBe(crc32(data));
    expect(tableCrc32(new Uint8Array())).toBe(0);
  });
});
