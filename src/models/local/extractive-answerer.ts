// The extractive question answerer behind `local/extractive`. It is NOT a language model: it ranks the
// sentences of the text it was given against the question and quotes the best few verbatim, with
// citations. It never writes text of its own beyond the markers, the source labels and a fixed refusal,
// and it never calls tools: choosing a tool and its input is planning, which ranking cannot do.

import type { ConverseRequest, StopReason } from '../../core/index.js';
import { Bm25Index } from './bm25.js';
import { collectSources } from './collect-sources.js';
import type { Quote } from './render-answer.js';
import { CANNOT_ANSWER, renderAnswer } from './render-answer.js';
import { splitSentences } from './sentence-split.js';
import { estimateTokens, truncateToTokens } from './token-estimate.js';
import { contentTerms } from './tokenize.js';

/** At most this many sentences are quoted: an answer, not a search result page. */
export const MAX_QUOTES = 3;
/** A sentence must beat this BM25 score to be quotable; with a non-negative IDF, 0 means "shares a term". */
const MIN_SCORE = 0;
/** Share of the best neighbour's score added to a sentence: context next to a strong match ranks higher. */
const NEIGHBOUR_BONUS = 0.15;
/** A quote must score at least this share of the best one, so weak matches do not pad a strong answer. */
const RELATIVE_CUTOFF = 0.3;

export interface ExtractiveAnswer {
  text: string;
  stopReason: StopReason;
}

interface Candidate extends Quote {
  terms: string[];
}

function sentencesOf(request: ConverseRequest): { question: string; sentences: Candidate[] } {
  const { question, units } = collectSources(request);
  const sentences: Candidate[] = [];
  units.forEach((unit, unitIndex) => {
    splitSentences(unit.text).forEach((text, position) => {
      sentences.push({ text, label: unit.label, unit: unitIndex, position, terms: contentTerms(text) });
    });
  });
  return { question, sentences };
}

/** Ranked candidates (best first) that are worth quoting; empty when nothing shares a term with the question. */
export function rankSentences(request: ConverseRequest): Quote[] {
  const { question, sentences } = sentencesOf(request);
  const queryTerms = contentTerms(question);
  if (queryTerms.length === 0 || sentences.length === 0) return [];

  const raw = new Bm25Index(sentences.map((s) => s.terms)).scores(queryTerms);
  const scored = sentences.map((sentence, i) => {
    const before = sentences[i - 1]?.unit === sentence.unit ? (raw[i - 1] ?? 0) : 0;
    const after = sentences[i + 1]?.unit === sentence.unit ? (raw[i + 1] ?? 0) : 0;
    const own = raw[i] ?? 0;
    return { sentence, order: i, own, score: own + NEIGHBOUR_BONUS * Math.max(before, after) };
  });
  const matching = scored.filter((s) => s.own > MIN_SCORE);
  const best = Math.max(0, ...matching.map((s) => s.score));
  const seen = new Set<string>();
  return matching
    .filter((s) => s.score >= RELATIVE_CUTOFF * best)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .filter((s) => {
      const key = s.sentence.text.toLowerCase().replace(/\s+/g, ' ');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, MAX_QUOTES)
    .map(({ sentence }) => ({
      text: sentence.text,
      label: sentence.label,
      unit: sentence.unit,
      position: sentence.position,
    }));
}

function inSourceOrder(quotes: readonly Quote[]): Quote[] {
  return [...quotes].sort((a, b) => a.unit - b.unit || a.position - b.position);
}

/** Adds ranked quotes while the rendered answer fits the budget; cuts the text itself when even one does not. */
function fitToBudget(ranked: readonly Quote[], maxTokens: number | undefined): ExtractiveAnswer {
  if (ranked.length === 0) return truncated(CANNOT_ANSWER, maxTokens);
  const chosen: Quote[] = [];
  let text = '';
  for (const quote of ranked) {
    const candidate = renderAnswer(inSourceOrder([...chosen, quote]));
    if (maxTokens !== undefined && estimateTokens(candidate) > maxTokens) {
      return chosen.length === 0 ? truncated(candidate, maxTokens) : { text, stopReason: 'max_tokens' };
    }
    chosen.push(quote);
    text = candidate;
  }
  return { text, stopReason: 'end_turn' };
}

function truncated(text: string, maxTokens: number | undefined): ExtractiveAnswer {
  if (maxTokens === undefined || estimateTokens(text) <= maxTokens) return { text, stopReason: 'end_turn' };
  return { text: truncateToTokens(text, maxTokens), stopReason: 'max_tokens' };
}

/** Cuts the answer before the earliest stop sequence, as a model stops generating there. */
function applyStopSequences(answer: ExtractiveAnswer, stopSequences: readonly string[]): ExtractiveAnswer {
  let cut = -1;
  for (const sequence of stopSequences) {
    if (sequence === '') continue;
    const at = answer.text.indexOf(sequence);
    if (at !== -1 && (cut === -1 || at < cut)) cut = at;
  }
  return cut === -1 ? answer : { text: answer.text.slice(0, cut), stopReason: 'stop_sequence' };
}

export function answerExtractively(request: ConverseRequest): ExtractiveAnswer {
  const config = request.inferenceConfig ?? {};
  const answer = fitToBudget(rankSentences(request), config.maxTokens);
  return applyStopSequences(answer, config.stopSequences ?? []);
}
