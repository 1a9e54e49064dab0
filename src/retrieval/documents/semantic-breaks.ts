// SEMANTIC chunking as Bedrock describes it: each sentence is embedded together with `bufferSize` sentences on
// each side, neighbours are compared by cosine distance, and the text breaks where the distance is above the
// given percentile of all neighbour distances (90 → the 10 % least similar neighbours are split).
import { LakegateError } from '../../core/index.js';
import type { EmbedTexts } from './chunk.js';
import type { TextUnit } from './text-units.js';

/** Texts per embed call: large enough to amortise a model call, small enough for any provider's batch limit. */
const EMBED_BATCH = 64;

function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  if (normA === 0 || normB === 0) return 1;
  return 1 - dot / Math.sqrt(normA * normB);
}

/** The p-th percentile with linear interpolation between closest ranks (numpy's default). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  return lowValue + (rank - low) * ((sorted[high] as number) - lowValue);
}

async function embedAll(texts: string[], embed: EmbedTexts, signal?: AbortSignal): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    signal?.throwIfAborted();
    const batch = texts.slice(i, i + EMBED_BATCH);
    const result = await embed(batch);
    if (result.length !== batch.length) {
      throw new LakegateError(
        'INTERNAL',
        `The embedding call returned ${result.length} vectors for ${batch.length} texts.`,
      );
    }
    vectors.push(...result);
  }
  return vectors;
}

/** Indexes i such that the text breaks between sentences[i] and sentences[i + 1]. */
export async function semanticBreaks(
  text: string,
  sentences: readonly TextUnit[],
  bufferSize: number,
  breakpointPercentileThreshold: number,
  embed: EmbedTexts,
  signal?: AbortSignal,
): Promise<Set<number>> {
  if (sentences.length < 2) return new Set();
  const groups = sentences.map((_, i) => {
    const first = sentences[Math.max(0, i - bufferSize)] as TextUnit;
    const last = sentences[Math.min(sentences.length - 1, i + bufferSize)] as TextUnit;
    return text.slice(first.start, last.end);
  });
  const vectors = await embedAll(groups, embed, signal);
  const distances: number[] = [];
  for (let i = 0; i + 1 < vectors.length; i++)
    distances.push(cosineDistance(vectors[i] as Float32Array, vectors[i + 1] as Float32Array));
  const threshold = percentile(distances, breakpointPercentileThreshold);
  const breaks = new Set<number>();
  distances.forEach((distance, i) => {
    if (distance > threshold) breaks.add(i);
  });
  return breaks;
}
