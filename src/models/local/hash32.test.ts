import { describe, expect, it } from 'vitest';
import { FNV_OFFSET, fmix32, fnv1a, fnvByte, fnvCodePoint } from './hash32.js';

describe('fnv1a', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('hashes the UTF-8 bytes of non-ASCII text', () => {
    const bytes = new TextEncoder().encode('Küche 東京 𝐀');
    let expected = FNV_OFFSET;
    for (const byte of bytes) expected = fnvByte(expected, byte);
    expect(fnv1a('Küche 東京 𝐀')).toBe(expected);
    expect(fnvCodePoint(FNV_OFFSET, 0x1d400)).toBe(fnv1a('𝐀'));
  });
});

describe('fmix32', () => {
  it('is the murmur3 finaliser: unsigned, zero-preserving, and avalanching', () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7);
    const a = fmix32(0x12345678);
    const b = fmix32(0x12345679);
    let differing = a ^ b;
    let bits = 0;
    while (differing !== 0) {
      bits += differing & 1;
      differing >>>= 1;
    }
    expect(bits).toBeGreaterThan(8);
    expect(a).toBeGreaterThanOrEqual(0);
  });
});
