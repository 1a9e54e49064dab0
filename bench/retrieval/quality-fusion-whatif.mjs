// A diagnostic, not part of `npm run bench:retrieval`: which way of fusing the vector and the full-text
// ranking keeps hybrid search at or above full text alone? `node bench/retrieval/quality-fusion-whatif.mjs`
// (build first) indexes both corpora like quality.mjs, takes the engine's own vector and full-text candidate
// lists (the same max(4k, 40) candidates, with scores, that its hybrid query fuses) and fuses them here,
// every method with ONE setting for both corpora (nothing is chosen per question or per corpus):
//   - weighted RRF: α / (k + vector rank) + (1 − α) / (k + full-text rank); α = 0.5, k = 60 is classic RRF
//     (the engine's old default), α = 0.1, k = 2 the engine's default now;
//   - relative score fusion (Weaviate): each side's scores min-max normalised over its candidates, then
//     α · vector + (1 − α) · full text; a chunk missing from a side gets 0 there;
//   - distribution-based score fusion (Qdrant): like RSF but normalised over mean ± 3σ of the side's scores;
//   - confidence-weighted RRF: per query, each side weighs in proportion to how peaked its scores are
//     (z of its top score = (top − mean) / σ over its candidates), so a side that is sure counts more;
//   - confidence-gated RRF: vector hits count only when their score is ≥ 2σ above the mean of the vector
//     candidates (a vector "finding" rather than noise), fused with weight α.
// Printed: recall@5 and MRR@10 per corpus with the difference to full text, whether the method is at or
// above full text on both corpora and both metrics, and how often that verdict holds over bootstrap resamples
// of the questions (BENCH_BOOTSTRAP, default 1000; a small difference on 34 and 53 questions may be luck —
// a method that ranks exactly like full text would hold in 100 %, so this column measures safety, not gain).
// A second table sweeps weighted RRF over k × α: the worst difference to full text over both corpora and
// both metrics, next to the "text-lead bound" 1 / (k + 3) below which full text's first hit always stays
// first. Two rows are checked against the engine's own queryHybrid, ranks identical: the default and classic
// RRF — so the rows differ from what the engine would return only in the fusion. Settings: BENCH_MAX_TOKENS
// as in quality.mjs.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom as random } from '../../dist/core/index.js';
import { createEmbeddedVectorEngine, DEFAULT_CHUNKING } from '../../dist/retrieval/index.js';
import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';
import { numberSetting } from '../common/settings.mjs';
import { debianFaqCorpus, demoCorpus } from './quality-corpora.mjs';
import { firstRelevantRank, mrrAt, recallAt } from './quality-metrics.mjs';
import { indexCorpus, localEmbedder } from './quality-pipeline.mjs';

const K = 10;
const RECALL_K = 5;
const CANDIDATES = Math.max(4 * K, 40);
const BOOTSTRAP = numberSetting('BENCH_BOOTSTRAP', 1000, 0, 100_000);
const maxTokens = numberSetting('BENCH_MAX_TOKENS', 0, 20, 8_192);
const chunking =
  maxTokens > 0
    ? { chunkingStrategy: 'FIXED_SIZE', fixedSizeChunkingConfiguration: { maxTokens, overlapPercentage: 20 } }
    : DEFAULT_CHUNKING;

// ---- fusion methods: (vectorHits, textHits) => fused hits, best first -----------------------------------

/** Sums per-side contributions; ties keep first-seen order, vector side first (as the engine does). */
function combine(sides) {
  const scores = new Map();
  const hits = new Map();
  for (const { list, score } of sides)
    list.forEach((hit, i) => {
      const value = score(hit, i);
      if (value === undefined) return;
      scores.set(hit.id, (scores.get(hit.id) ?? 0) + value);
      hits.set(hit.id, hit);
    });
  return [...scores].sort((a, b) => b[1] - a[1]).map(([id]) => hits.get(id));
}

const weightedRrf = (alpha, rrfK) => (vectorHits, textHits) =>
  combine([
    { list: alpha === 0 ? [] : vectorHits, score: (_, i) => alpha / (rrfK + i + 1) },
    { list: alpha === 1 ? [] : textHits, score: (_, i) => (1 - alpha) / (rrfK + i + 1) },
  ]);

function moments(list) {
  const scores = list.map((hit) => hit.score);
  const mean = scores.reduce((sum, s) => sum + s, 0) / Math.max(1, scores.length);
  const sd = Math.sqrt(scores.reduce((sum, s) => sum + (s - mean) ** 2, 0) / Math.max(1, scores.length));
  return { mean, sd, max: Math.max(...scores), min: Math.min(...scores) };
}

/** `normalise(list)` → (hit) => score in [0, 1]; fused as α · vector + (1 − α) · text. */
const scoreFusion = (normalise) => (alpha) => (vectorHits, textHits) => {
  const v = normalise(vectorHits);
  const t = normalise(textHits);
  return combine([
    { list: vectorHits, score: (hit) => alpha * v(hit) },
    { list: textHits, score: (hit) => (1 - alpha) * t(hit) },
  ]);
};
const minMax = (list) => {
  const { max, min } = moments(list);
  return (hit) => (max === min ? 1 : (hit.score - min) / (max - min));
};
const meanPlusMinus3Sigma = (list) => {
  const { mean, sd } = moments(list);
  return (hit) => (sd === 0 ? 1 : Math.min(1, Math.max(0, (hit.score - (mean - 3 * sd)) / (6 * sd))));
};
const relativeScoreFusion = scoreFusion(minMax);
const distributionScoreFusion = scoreFusion(meanPlusMinus3Sigma);

const peakedness = (list) => {
  if (list.length < 2) return 0;
  const { mean, sd, max } = moments(list);
  return sd === 0 ? 0 : (max - mean) / sd;
};
const confidenceWeightedRrf = (rrfK) => (vectorHits, textHits) => {
  const v = peakedness(vectorHits);
  const t = peakedness(textHits);
  return weightedRrf(v + t === 0 ? 0.5 : v / (v + t), rrfK)(vectorHits, textHits);
};
const confidenceGatedRrf = (alpha, rrfK, sigmas) => (vectorHits, textHits) => {
  const { mean, sd } = moments(vectorHits);
  const standingOut = vectorHits.filter((hit) => sd > 0 && (hit.score - mean) / sd >= sigmas);
  return weightedRrf(alpha, rrfK)(standingOut, textHits);
};

const METHODS = [
  { family: 'full text (baseline)', setting: '—', fuse: (_, t) => t },
  { family: 'vector', setting: '—', fuse: (v) => v },
  {
    family: 'RRF, equal weights',
    setting: 'k 60 (old default)',
    fuse: weightedRrf(0.5, 60),
    engine: { vectorWeight: 0.5, rrfK: 60 },
  },
  ...[0.05, 0.1, 0.2, 0.3].map((a) => ({
    family: 'weighted RRF',
    setting: `k 60, α ${a}`,
    fuse: weightedRrf(a, 60),
  })),
  ...[0.05, 0.1, 0.15, 0.2, 0.3, 0.5].map((a) => ({
    family: 'weighted RRF',
    setting: `k 2, α ${a}${a === 0.1 ? ' (default)' : ''}`,
    fuse: weightedRrf(a, 2),
    ...(a === 0.1 ? { engine: {} } : {}),
  })),
  ...[0.1, 0.2, 0.3, 0.5].map((a) => ({
    family: 'relative score fusion',
    setting: `α ${a}`,
    fuse: relativeScoreFusion(a),
  })),
  ...[0.1, 0.2, 0.3, 0.5].map((a) => ({
    family: 'distribution-based score fusion',
    setting: `α ${a}`,
    fuse: distributionScoreFusion(a),
  })),
  ...[60, 2].map((k) => ({
    family: 'confidence-weighted RRF',
    setting: `k ${k}`,
    fuse: confidenceWeightedRrf(k),
  })),
  ...[
    [0.5, 60],
    [0.3, 2],
    [0.2, 2],
    [0.1, 2],
  ].map(([a, k]) => ({
    family: 'confidence-gated RRF (≥ 2σ)',
    setting: `k ${k}, α ${a}`,
    fuse: confidenceGatedRrf(a, k, 2),
  })),
];
const GRID_K = [1, 2, 3, 5, 10, 20, 60];
const GRID_ALPHA = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5];

// ---- measure ---------------------------------------------------------------------------------------------

const root = mkdtempSync(join(tmpdir(), 'lakegate-bench-fusion-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const engine = createEmbeddedVectorEngine({ root });
const embed = localEmbedder();
/** corpus name → { method index → ranks[], grid key → ranks[] } */
const corpora = [];
for (const corpus of [demoCorpus(), debianFaqCorpus()].filter((c) => c !== null)) {
  const index = await engine.createIndex(corpus.name, { dimension: 384, metric: 'cosine' });
  const { answers } = await indexCorpus({ index, corpus, chunking, embed });
  const ranks = METHODS.map(() => []);
  const grid = new Map();
  const engineRanks = METHODS.map(() => []);
  for (const answer of answers) {
    const [vector] = await embed([answer.question], 'search_query');
    const vectorHits = await index.queryVector({ vector, k: CANDIDATES });
    const textHits = await index.queryText({ text: answer.question, k: CANDIDATES });
    const rank = (hits) => firstRelevantRank(hits.slice(0, K), answer);
    for (const [i, method] of METHODS.entries()) {
      ranks[i].push(rank(method.fuse(vectorHits, textHits)));
      if (method.engine !== undefined)
        engineRanks[i].push(
          rank(await index.queryHybrid({ vector, text: answer.question, k: K, ...method.engine })),
        );
    }
    for (const rrfK of GRID_K)
      for (const alpha of GRID_ALPHA) {
        const key = `${rrfK}/${alpha}`;
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(rank(weightedRrf(alpha, rrfK)(vectorHits, textHits)));
      }
  }
  for (const [i, method] of METHODS.entries())
    if (method.engine !== undefined && ranks[i].some((r, q) => r !== engineRanks[i][q]))
      throw new Error(
        `${corpus.name}: "${method.setting}" here does not reproduce the engine's queryHybrid ranking`,
      );
  await engine.dropIndex(index.id);
  corpora.push({ name: corpus.name, ranks, grid });
}
await engine.close();

// ---- judge -----------------------------------------------------------------------------------------------

const score = (ranks) => ({ recall: recallAt(RECALL_K, ranks), mrr: mrrAt(K, ranks) });
const BASELINE = 0;
/** The worst of (method − full text) over both metrics of every corpus, for ranks picked by `pick`. */
function worstDelta(rankSets, pick = (ranks) => ranks) {
  let worst = Number.POSITIVE_INFINITY;
  for (const { method, baseline } of rankSets) {
    const m = score(pick(method));
    const b = score(pick(baseline));
    worst = Math.min(worst, m.recall - b.recall, m.mrr - b.mrr);
  }
  return worst;
}

// The same resamples for every method, so their shares compare like with like.
const next = random(20261126);
const resamples = Array.from({ length: BOOTSTRAP }, () =>
  corpora.map(({ ranks }) => Array.from(ranks[BASELINE], () => Math.floor(next() * ranks[BASELINE].length))),
);
function bootstrapShare(rankSets) {
  if (BOOTSTRAP === 0) return Number.NaN;
  let held = 0;
  for (const sample of resamples) {
    let worst = Number.POSITIVE_INFINITY;
    rankSets.forEach(({ method, baseline }, c) => {
      const m = score(sample[c].map((q) => method[q]));
      const b = score(sample[c].map((q) => baseline[q]));
      worst = Math.min(worst, m.recall - b.recall, m.mrr - b.mrr);
    });
    if (worst >= -1e-12) held++;
  }
  return held / BOOTSTRAP;
}

// A loss too small to show in three decimals still prints as −0.000: the bar is "not below", not "level".
const signed = (value) => `${value >= -1e-12 ? '+' : '−'}${Math.abs(value).toFixed(3)}`;
const rows = METHODS.map((method, i) => {
  const rankSets = corpora.map(({ ranks }) => ({ method: ranks[i], baseline: ranks[BASELINE] }));
  const row = { family: method.family, setting: method.setting, isBaseline: i === BASELINE };
  for (const [c, { ranks }] of corpora.entries()) {
    row[`recall${c}`] = score(ranks[i]).recall;
    row[`mrr${c}`] = score(ranks[i]).mrr;
    row[`recallDelta${c}`] = row[`recall${c}`] - score(ranks[BASELINE]).recall;
    row[`mrrDelta${c}`] = row[`mrr${c}`] - score(ranks[BASELINE]).mrr;
  }
  row.worst = worstDelta(rankSets);
  row.held = i === BASELINE ? Number.NaN : bootstrapShare(rankSets);
  return row;
});

const withDelta = (value, delta, isBaseline) =>
  isBaseline ? value.toFixed(3) : `${value.toFixed(3)} (${signed(delta)})`;
process.stdout.write(
  `${formatMarkdownTable(
    [
      { title: 'fusion', value: (r) => r.family, align: 'left' },
      { title: 'setting', value: (r) => r.setting, align: 'left' },
      ...corpora.flatMap(({ name }, c) => [
        {
          title: `${name} recall@${RECALL_K}`,
          value: (r) => withDelta(r[`recall${c}`], r[`recallDelta${c}`], r.isBaseline),
        },
        { title: `${name} MRR@${K}`, value: (r) => withDelta(r[`mrr${c}`], r[`mrrDelta${c}`], r.isBaseline) },
      ]),
      {
        title: '≥ full text',
        value: (r) => (r.isBaseline ? '—' : r.worst >= -1e-12 ? 'yes' : 'no'),
        align: 'left',
      },
      {
        title: 'held in resamples',
        value: (r) => (Number.isNaN(r.held) ? '—' : `${(r.held * 100).toFixed(0)} %`),
      },
    ],
    rows,
  )}\n\n`,
);

const gridRows = GRID_K.map((rrfK) => {
  const row = { rrfK };
  for (const alpha of GRID_ALPHA)
    row[alpha] = worstDelta(
      corpora.map(({ ranks, grid }) => ({ method: grid.get(`${rrfK}/${alpha}`), baseline: ranks[BASELINE] })),
    );
  return row;
});
process.stdout.write(
  `${formatMarkdownTable(
    [
      { title: 'weighted RRF: worst Δ vs full text', value: (r) => `k ${r.rrfK}`, align: 'left' },
      ...GRID_ALPHA.map((alpha) => ({ title: `α ${alpha}`, value: (r) => signed(r[alpha]) })),
      { title: 'text-lead bound 1/(k+3)', value: (r) => fixed(3)(1 / (r.rrfK + 3)) },
    ],
    gridRows,
  )}\n`,
);
process.stdout.write(
  `\nCells: min over ${corpora.map((c) => c.name).join(' and ')} of Δ recall@${RECALL_K} and Δ MRR@${K}; ≥ +0.000 means at or above full text on both. Resamples: ${BOOTSTRAP} bootstrap draws of each corpus's questions.\n`,
);
