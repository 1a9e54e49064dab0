// 32-bit FNV-1a over UTF-8 bytes, fed incrementally so that n-grams hash without building substrings,
// plus the murmur3 finaliser to spread FNV's weak low bits. Integer-only: identical on every platform.

export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnvByte(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
}

/** Feeds one Unicode code point as its UTF-8 bytes. */
export function fnvCodePoint(hash: number, codePoint: number): number {
  if (codePoint < 0x80) return fnvByte(hash, codePoint);
  if (codePoint < 0x800) {
    return fnvByte(fnvByte(hash, 0xc0 | (codePoint >> 6)), 0x80 | (codePoint & 0x3f));
  }
  if (codePoint < 0x10000) {
    const h = fnvByte(hash, 0xe0 | (codePoint >> 12));
    return fnvByte(fnvByte(h, 0x80 | ((codePoint >> 6) & 0x3f)), 0x80 | (codePoint & 0x3f));
  }
  let h = fnvByte(hash, 0xf0 | (codePoint >> 18));
  h = fnvByte(h, 0x80 | ((codePoint >> 12) & 0x3f));
  h = fnvByte(h, 0x80 | ((codePoint >> 6) & 0x3f));
  return fnvByte(h, 0x80 | (codePoint & 0x3f));
}

/** Feeds a whole string (by code point, so lone surrogates hash as themselves). */
export function fnvString(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    const codePoint = text.codePointAt(i)!;
    if (codePoint > 0xffff) i++;
    h = fnvCodePoint(h, codePoint);
  }
  return h;
}

/** FNV-1a of a string's UTF-8 bytes. */
export function fnv1a(text: string): number {
  return fnvString(FNV_OFFSET, text);
}

/** The murmur3 32-bit finaliser: every input bit affects every output bit. */
export function fmix32(hash: number): number {
  let h = hash >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
