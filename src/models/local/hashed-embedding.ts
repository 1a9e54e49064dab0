// The deterministic embedding behind `local/embed`: hashed lexical features, not a learned model. Texts that
// share words, word pairs or word pieces ("flood"/"flooded") land close; synonyms with no shared letters do
// not. Features: stemmed word unigrams and bigrams, and character 3-5-grams of each word with boundary
// markers (fastText style), hashed into `dimensions` buckets with a hash-chosen sign so that collisions
// cancel out on average instead of piling up.

import { FeatureCounts } from './feature-counts.js';
import { FNV_OFFSET, fmix32, fnvByte, fnvCodePoint, fnvString } from './hash32.js';
import { STOP_WORDS, stem, wordTokens } from './tokenize.js';

export const DEFAULT_EMBED_DIMENSIONS = 384;
export const MIN_EMBED_DIMENSIONS = 64;
export const MAX_EMBED_DIMENSIONS = 4096;

// IDF-like weight per feature type: a word pair is rarer and more telling than a word; a character n-gram
// is weak alone and a word yields ~15 of them, so each weighs little.
const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.8;
const CHAR_GRAM_WEIGHT = 0.25;
const MIN_GRAM = 3;
const MAX_GRAM = 5;

// One seed per feature type, so "ab" as a word and "ab" as a character gram are different features.
const UNIGRAM_SEED = fnvByte(FNV_OFFSET, 0x75); // 'u'
const BIGRAM_SEED = fnvByte(FNV_OFFSET, 0x62); // 'b'
const CHAR_SEED = fnvByte(FNV_OFFSET, 0x63); // 'c'
const SIGN_SALT = 0x9e3779b9;
const BOUNDARY_START = 0x3c; // '<'
const BOUNDARY_END = 0x3e; // '>'

// Reused by every call (an embedding is computed synchronously, start to end, so nothing interleaves).
const unigrams = new FeatureCounts();
const bigrams = new FeatureCounts();
const charGrams = new FeatureCounts();
const codePoints: number[] = [];

/** What a word contributes whatever its neighbours are: computed once per distinct word, then reused. */
interface WordFeatures {
  stemmed: string;
  unigram: number;
  /** The hash a following word's bigram starts from. */
  bigramPrefix: number;
  charGrams: Uint32Array;
}

// Words repeat (a corpus is mostly the same few thousand): their features are kept, the map cleared when
// full so that an adversarial vocabulary cannot grow it.
const wordFeatures = new Map<string, WordFeatures>();
const MAX_CACHED_WORDS = 20_000;

function charGramsOf(word: string): Uint32Array {
  codePoints.length = 0;
  codePoints.push(BOUNDARY_START);
  for (let i = 0; i < word.length; i++) {
    const codePoint = word.codePointAt(i)!;
    if (codePoint > 0xffff) i++;
    codePoints.push(codePoint);
  }
  codePoints.push(BOUNDARY_END);
  const grams: number[] = [];
  for (let start = 0; start + MIN_GRAM <= codePoints.length; start++) {
    let hash = CHAR_SEED;
    const end = Math.min(start + MAX_GRAM, codePoints.length);
    for (let i = start; i < end; i++) {
      hash = fnvCodePoint(hash, codePoints[i]!);
      if (i - start + 1 >= MIN_GRAM) grams.push(hash);
    }
  }
  return Uint32Array.from(grams);
}

function featuresOf(word: string): WordFeatures {
  let features = wordFeatures.get(word);
  if (features === undefined) {
    const stemmed = stem(word);
    features = {
      stemmed,
      unigram: fnvString(UNIGRAM_SEED, stemmed),
      bigramPrefix: fnvString(BIGRAM_SEED, stemmed),
      charGrams: charGramsOf(word),
    };
    if (wordFeatures.size >= MAX_CACHED_WORDS) wordFeatures.clear();
    wordFeatures.set(word, features);
  }
  return features;
}

function accumulate(vector: Float64Array, counts: FeatureCounts, weight: number): void {
  const dimensions = vector.length;
  counts.drain((hash, tf) => {
    const mixed = fmix32(hash);
    const sign = (fmix32(hash ^ SIGN_SALT) & 1) === 0 ? 1 : -1;
    const index = mixed % dimensions;
    vector[index] = (vector[index] ?? 0) + sign * weight * (1 + Math.log(tf));
  });
}

/** The L2-normalised embedding of one text; a text without any word embeds as the zero vector. */
export function hashedEmbedding(text: string, dimensions: number = DEFAULT_EMBED_DIMENSIONS): Float32Array {
  const tokens = wordTokens(text);
  const content = tokens.filter((token) => !STOP_WORDS.has(token));
  // A text of stop words only ("to be or not to be") still deserves an embedding of its own.
  const words = content.length > 0 ? content : tokens;

  let previous: number | undefined;
  for (const word of words) {
    const features = featuresOf(word);
    unigrams.add(features.unigram);
    if (previous !== undefined) bigrams.add(fnvString(fnvByte(previous, 0x20), features.stemmed));
    previous = features.bigramPrefix;
    for (let i = 0; i < features.charGrams.length; i++) charGrams.add(features.charGrams[i]!);
  }

  const vector = new Float64Array(dimensions);
  accumulate(vector, unigrams, UNIGRAM_WEIGHT);
  accumulate(vector, bigrams, BIGRAM_WEIGHT);
  accumulate(vector, charGrams, CHAR_GRAM_WEIGHT);

  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  const out = new Float32Array(dimensions);
  if (norm === 0) return out;
  for (let i = 0; i < dimensions; i++) out[i] = (vector[i] ?? 0) / norm;
  return out;
}
