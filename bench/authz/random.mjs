// A seeded generator, so every run builds the same catalog and asks the same questions: two runs differ
// in the machine, not in the workload.

/** mulberry32: small, fast and good enough to spread grants and requests; not for anything secret. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [0, n). */
    below: (n) => Math.floor(next() * n),
    /** `count` distinct integers in [0, n). */
    distinct(count, n) {
      const picked = new Set();
      while (picked.size < Math.min(count, n)) picked.add(Math.floor(next() * n));
      return [...picked];
    },
  };
}
