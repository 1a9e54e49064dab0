// Sentence vectors from an encoder's token vectors. Done here rather than by transformers.js's pipeline
// options so that the same pass also yields the attention mask, whose sum is the usage token count.

export type Pooling = 'mean' | 'cls';

export interface HiddenStates {
  /** last_hidden_state, row-major [batch, sequence, dim]. */
  data: Float32Array;
  batch: number;
  sequence: number;
  dim: number;
  /** attention_mask [batch, sequence]: 1 for a real token, 0 for padding. */
  mask: ArrayLike<number | bigint>;
}

function normalizeInPlace(vector: Float32Array): void {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  // An all-zero vector stays zero: dividing would fill it with NaN, which no vector index accepts.
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
}

/** One vector per batch row: the masked mean of its token vectors, or its first ([CLS]) token vector. */
export function poolEmbeddings(states: HiddenStates, pooling: Pooling, normalize: boolean): Float32Array[] {
  const { data, batch, sequence, dim, mask } = states;
  const out: Float32Array[] = [];
  for (let row = 0; row < batch; row++) {
    const vector = new Float32Array(dim);
    const rowStart = row * sequence * dim;
    if (pooling === 'cls') {
      vector.set(data.subarray(rowStart, rowStart + dim));
    } else {
      let tokens = 0;
      for (let position = 0; position < sequence; position++) {
        if (Number(mask[row * sequence + position] ?? 0) === 0) continue;
        tokens += 1;
        const offset = rowStart + position * dim;
        for (let i = 0; i < dim; i++) vector[i] = (vector[i] ?? 0) + (data[offset + i] ?? 0);
      }
      if (tokens > 0) for (let i = 0; i < dim; i++) vector[i] = (vector[i] ?? 0) / tokens;
    }
    if (normalize) normalizeInPlace(vector);
    out.push(vector);
  }
  return out;
}

/** Real (unpadded) tokens in the batch: the input tokens a usage record counts. */
export function countTokens(mask: ArrayLike<number | bigint>): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += Number(mask[i] ?? 0) === 0 ? 0 : 1;
  return count;
}
