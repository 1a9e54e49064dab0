// CRC-32 (the IEEE polynomial, as zlib, the AWS event stream and our index log frames use it): zlib's
// own from Node 20.15 on, else a table-driven one with the same result for the older Node 20 releases.

import * as zlib from 'node:zlib';

let table: Int32Array | undefined;

/** CRC32 of `data`, continuing from `initial` (the CRC of the bytes before it). */
export function tableCrc32(data: Uint8Array, initial = 0): number {
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let crc = ~initial;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

export const crc32: (data: Uint8Array, initial?: number) => number =
  typeof zlib.crc32 === 'function' ? (data, initial) => zlib.crc32(data, initial) : tableCrc32;
