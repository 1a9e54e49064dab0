// The records of one index in memory, addressed by slot: vectors in one contiguous Float32Array (row `slot`
// at `slot * dimension`), ids, metadata and text in parallel arrays. A slot is written once; an upsert of an
// existing id takes a new slot and kills the old one, so the ANN graph (keyed by slot) never has to update a
// node in place. Cosine vectors are stored normalised, which turns cosine into a dot product everywhere.
// A cosine store also keeps an int16 sketch of its rows (int16-sketch.ts) that exact search ranks with.

import { Int16Sketch } from './int16-sketch.js';
import type { Metadata, VectorMetric } from './vector-engine.js';

const EMPTY: Metadata = Object.freeze({});

export class VectorStore {
  vectors: Float32Array;
  private sketch: Int16Sketch | undefined;
  private live: Uint8Array;
  private readonly ids: Array<string | undefined> = [];
  private readonly metadata: Array<Metadata | undefined> = [];
  private readonly texts: Array<string | undefined> = [];
  private readonly slotById = new Map<string, number>();
  /** Slots handed out so far (live and dead). */
  slotCount = 0;

  constructor(
    readonly dimension: number,
    readonly metric: VectorMetric,
    initialCapacity = 1024,
  ) {
    this.vectors = new Float32Array(initialCapacity * dimension);
    this.sketch = metric === 'cosine' ? Int16Sketch.create(initialCapacity, dimension) : undefined;
    this.live = new Uint8Array(initialCapacity);
  }

  /**
   * Sketch scores of a normalised `query` with every slot (dead ones too; see int16-sketch.ts for their
   * scale and error), or undefined when the store has no sketch. The array is overwritten by the next call.
   */
  sketchScores(query: Float32Array): Int32Array | undefined {
    return this.sketch?.scoresOf(query, this.slotCount);
  }

  get liveCount(): number {
    return this.slotById.size;
  }

  get deadCount(): number {
    return this.slotCount - this.slotById.size;
  }

  slotOf(id: string): number | undefined {
    return this.slotById.get(id);
  }

  isLive(slot: number): boolean {
    return this.live[slot] === 1;
  }

  idAt(slot: number): string {
    return this.ids[slot]!;
  }

  metadataAt(slot: number): Metadata {
    return this.metadata[slot] ?? EMPTY;
  }

  textAt(slot: number): string | undefined {
    return this.texts[slot];
  }

  vectorAt(slot: number): Float32Array {
    return this.vectors.subarray(slot * this.dimension, (slot + 1) * this.dimension);
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.live.length) return;
    let capacity = this.live.length;
    while (capacity < slots) capacity *= 2;
    const vectors = new Float32Array(capacity * this.dimension);
    vectors.set(this.vectors);
    this.vectors = vectors;
    if (this.sketch !== undefined) {
      const sketch = Int16Sketch.create(capacity, this.dimension);
      sketch?.copyFrom(this.sketch, this.sketch.capacity);
      this.sketch = sketch;
    }
    const live = new Uint8Array(capacity);
    live.set(this.live);
    this.live = live;
  }

  /** Stores a record in a new slot (killing the id's previous slot, which it returns as `replaced`). */
  put(
    id: string,
    vector: ArrayLike<number>,
    metadata: Metadata | undefined,
    text: string | undefined,
  ): { slot: number; replaced: number | undefined } {
    const replaced = this.remove(id);
    const slot = this.slotCount++;
    this.ensureCapacity(this.slotCount);
    const offset = slot * this.dimension;
    this.vectors.set(vector, offset);
    if (this.metric === 'cosine') normalise(this.vectors, offset, this.dimension);
    this.sketch?.set(slot, this.vectorAt(slot));
    this.live[slot] = 1;
    this.ids[slot] = id;
    this.metadata[slot] = metadata;
    this.texts[slot] = text;
    this.slotById.set(id, slot);
    return { slot, replaced };
  }

  /** Puts a record back at the slot it had when a snapshot was written; `vector` is already stored form. */
  restore(
    slot: number,
    id: string,
    vector: Float32Array,
    metadata: Metadata | undefined,
    text: string | undefined,
  ): void {
    this.ensureCapacity(slot + 1);
    this.slotCount = Math.max(this.slotCount, slot + 1);
    this.vectors.set(vector, slot * this.dimension);
    this.sketch?.set(slot, this.vectorAt(slot));
    this.live[slot] = 1;
    this.ids[slot] = id;
    this.metadata[slot] = metadata;
    this.texts[slot] = text;
    this.slotById.set(id, slot);
  }

  /** Kills the id's slot; returns it, or undefined when the id is absent. Text stays for BM25 removal. */
  remove(id: string): number | undefined {
    const slot = this.slotById.get(id);
    if (slot === undefined) return undefined;
    this.slotById.delete(id);
    this.live[slot] = 0;
    this.metadata[slot] = undefined;
    return slot;
  }

  /** Drops a dead slot's text once BM25 no longer needs it. */
  forgetText(slot: number): void {
    this.texts[slot] = undefined;
  }

  /** A copy of the stored rows of `slots`, row i for slots[i] (its own buffer, so it can be transferred). */
  rows(slots: ArrayLike<number>): Float32Array<ArrayBuffer> {
    const { dimension } = this;
    const rows = new Float32Array(slots.length * dimension);
    for (let i = 0; i < slots.length; i++) {
      const offset = slots[i]! * dimension;
      rows.set(this.vectors.subarray(offset, offset + dimension), i * dimension);
    }
    return rows;
  }

  /** Live slots in slot order. */
  *liveSlots(): Generator<number> {
    for (let slot = 0; slot < this.slotCount; slot++) if (this.live[slot] === 1) yield slot;
  }
}

/** Scales row `offset..offset+dimension` of `vectors` to unit length (a zero row is rejected earlier). */
export function normalise(vectors: Float32Array, offset: number, dimension: number): void {
  let sum = 0;
  for (let i = 0; i < dimension; i++) sum += vectors[offset + i]! * vectors[offset + i]!;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < dimension; i++) vectors[offset + i] = vectors[offset + i]! * scale;
}
