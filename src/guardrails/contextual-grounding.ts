// Contextual grounding and relevance, scored in [0, 1] as Bedrock's are (a response is blocked when its
// score is below the threshold). Honest, simple algorithms, named for what they are:
// - grounding = lexical support: for each sentence of the answer, the share of its content words that
//   occur in the sources (numbers must occur exactly); the answer's score is the token-weighted mean. A
//   sentence that invents a figure or a name scores low, a paraphrase with new words scores lower than
//   it should.
// - relevance = the larger of the embedding cosine between query and answer (when an embedding function
//   is given) and the share of the query's content words that the answer uses.

import { cosine, type EmbedTexts } from './embedding.js';
import { contentTokens, sentences } from './text-tokens.js';

export function groundingScore(answer: string, sources: readonly string[]): number {
  const known = new Set<string>();
  for (const source of sources) for (const token of contentTokens(source)) known.add(token);
  let supported = 0;
  let total = 0;
  for (const sentence of sentences(answer)) {
    const tokens = contentTokens(sentence);
    if (tokens.length === 0) continue;
    let hits = 0;
    for (const token of tokens) if (known.has(token)) hits++;
    // An unsupported number is a made-up fact: it takes the whole sentence's support down by half.
    const inventedNumber = tokens.some((t) => /^\d/.test(t) && !known.has(t));
    const share = (hits / tokens.length) * (inventedNumber ? 0.5 : 1);
    supported += share * tokens.length;
    total += tokens.length;
  }
  return total === 0 ? 1 : round(supported / total);
}

export async function relevanceScore(answer: string, query: string, embed?: EmbedTexts): Promise<number> {
  const queryTokens = [...new Set(contentTokens(query))];
  const answerTokens = new Set(contentTokens(answer));
  const lexical =
    queryTokens.length === 0 ? 1 : queryTokens.filter((t) => answerTokens.has(t)).length / queryTokens.length;
  if (!embed || query.trim() === '' || answer.trim() === '') return round(lexical);
  const [q, a] = await embed([query, answer]);
  return round(Math.max(lexical, q && a ? cosine(q, a) : 0));
}

const round = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 100) / 100;
