// Denied topics by embedding similarity: each topic is represented by its definition and its examples
// (embedded once per policy), the text by each of its sentences and by its whole; a topic's score is the
// best cosine between the two sets, and it is detected at or above the threshold. As good as the
// embedding model it is given: with `local/embed` (hashed lexical features) this is lexical similarity.

import { cosine, type EmbedTexts } from './embedding.js';
import type { TopicConfig } from './guardrail-policy.js';
import { sentences } from './text-tokens.js';

/** Cosine at which a text is taken to be about a topic; configurable per GuardrailService. */
export const DEFAULT_TOPIC_THRESHOLD = 0.5;

const MAX_WINDOWS = 64;

export interface TopicIndex {
  topics: ReadonlyArray<{ topic: TopicConfig; vectors: number[][] }>;
}

export async function indexTopics(topics: readonly TopicConfig[], embed: EmbedTexts): Promise<TopicIndex> {
  const texts: string[] = [];
  const owners: number[] = [];
  topics.forEach((topic, i) => {
    texts.push(`${topic.name}: ${topic.definition}`);
    owners.push(i);
    for (const example of topic.examples ?? []) {
      texts.push(example);
      owners.push(i);
    }
  });
  const vectors = texts.length > 0 ? await embed(texts) : [];
  return {
    topics: topics.map((topic, i) => ({ topic, vectors: vectors.filter((_, v) => owners[v] === i) })),
  };
}

export interface TopicScore {
  topic: TopicConfig;
  score: number;
}

export async function scoreTopics(index: TopicIndex, text: string, embed: EmbedTexts): Promise<TopicScore[]> {
  if (index.topics.length === 0 || text.trim().length === 0) return [];
  const parts = sentences(text);
  // Windows of one and two sentences: a topic is often set up over two.
  const windows = parts.length > 1 ? [text] : [];
  for (let i = 0; i < parts.length && windows.length < MAX_WINDOWS; i++) {
    windows.push(parts[i]!);
    if (i + 1 < parts.length) windows.push(`${parts[i]} ${parts[i + 1]}`);
  }
  if (windows.length === 0) windows.push(text);
  const vectors = await embed(windows);
  return index.topics.map(({ topic, vectors: topicVectors }) => {
    let best = 0;
    for (const w of vectors) for (const t of topicVectors) best = Math.max(best, cosine(w, t));
    return { topic, score: best };
  });
}
