// Counts of hashed features for one text, in an open-addressing table of typed arrays that is cleared and
// reused from text to text: a Map per feature kind was a fifth of local/embed's time (measured on the
// Debian FAQ) and most of its garbage. Features come back in the order they were first counted, as a Map
// would give them, so that the embedding's float sums (and so its vectors) are exactly what they were.

export class FeatureCounts {
  private keys = new Uint32Array(1024);
  /** 0 marks an empty slot: a counted feature has at least 1. */
  private counts = new Uint32Array(1024);
  /** Slots in the order their features were first counted. */
  private order = new Int32Array(512);
  private size = 0;

  /** Counts one more occurrence of `hash` (an unsigned 32-bit feature hash). */
  add(hash: number): void {
    let mask = this.keys.length - 1;
    if (this.size * 2 >= this.keys.length) {
      this.grow();
      mask = this.keys.length - 1;
    }
    // FNV's low bits are weak: fold the high half in before masking.
    let slot = (hash ^ (hash >>> 16)) & mask;
    for (;;) {
      if (this.counts[slot] === 0) {
        this.keys[slot] = hash;
        this.counts[slot] = 1;
        this.order[this.size++] = slot;
        return;
      }
      if (this.keys[slot] === hash) {
        this.counts[slot]! += 1;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Calls `visit` for each feature with its count, in first-counted order; then empties the table. */
  drain(visit: (hash: number, count: number) => void): void {
    for (let i = 0; i < this.size; i++) {
      const slot = this.order[i]!;
      visit(this.keys[slot]!, this.counts[slot]!);
      this.counts[slot] = 0;
    }
    this.size = 0;
  }

  private grow(): void {
    const { keys, counts, order, size } = this;
    this.keys = new Uint32Array(keys.length * 2);
    this.counts = new Uint32Array(keys.length * 2);
    this.order = new Int32Array(keys.length);
    this.size = 0;
    const mask = this.keys.length - 1;
    for (let i = 0; i < size; i++) {
      const hash = keys[order[i]!]!;
      let slot = (hash ^ (hash >>> 16)) & mask;
      while (this.counts[slot] !== 0) slot = (slot + 1) & mask;
      this.keys[slot] = hash;
      this.counts[slot] = counts[order[i]!]!;
      this.order[this.size++] = slot;
    }
  }
}
