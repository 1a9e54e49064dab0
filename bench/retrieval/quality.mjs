// `npm run bench:retrieval` part 2 (BENCH_PART=quality runs it alone): retrieval QUALITY on two corpora with
// known answers, and INGESTION throughput, through the project's own pipeline from dist/ — document parsing
// and chunking (dist/retrieval, DEFAULT_CHUNKING), the built-in `local/embed` model (dist/models) and the
// embedded VectorEngine (exact search at these sizes).
//
//   1. quality: each corpus is ingested (parse → chunk → embed → upsert), then every question is asked three
//      ways — vector (k-NN on the local/embed vector of the question), full-text (BM25), hybrid (the
//      engine's default fusion of both: weighted RRF in which full text leads, reciprocal-rank-fusion.ts) —
//      and judged: recall@5 and MRR@10 (quality-metrics.mjs). Full-text is the baseline (Δ columns); the
//      issue's bar is that hybrid does not score below it. quality-fusion-whatif.mjs compares other fusions.
//   2. ingestion: the Debian FAQ as one PDF (pages/s; target ≥ 200), the same FAQ as plain text, and its HTML
//      chapters (docs/s), each through the same pipeline into a fresh index, with the time split per stage.
//
// Settings (environment): BENCH_INGEST_ROUNDS (measured rounds per input after one warm-up, default 3),
// BENCH_MAX_TOKENS (FIXED_SIZE chunks of this size with 20 % overlap instead of DEFAULT_CHUNKING),
// BENCH_VERBOSE=1 (print every question's rank per search type), BENCH_DEBIAN_FAQ_DIR (default
// /usr/share/doc/debian/FAQ). Build first: npx tsc -p tsconfig.build.json.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createEmbeddedVectorEngine, DEFAULT_CHUNKING } from '../../dist/retrieval/index.js';
import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';
import { runRecord, writeResults } from '../common/results.mjs';
import { numberSetting } from '../common/settings.mjs';
import {
  DEBIAN_FAQ_DIR,
  debianFaqCorpus,
  debianFaqFile,
  debianFaqHtmlNames,
  demoCorpus,
} from './quality-corpora.mjs';
import { firstRelevantRank, mrrAt, recallAt } from './quality-metrics.mjs';
import { indexCorpus, ingestFiles, localEmbedder, pageCount, stageClock } from './quality-pipeline.mjs';

const maxTokens = numberSetting('BENCH_MAX_TOKENS', 0, 20, 8_192);
const settings = {
  ingestRounds: numberSetting('BENCH_INGEST_ROUNDS', 3, 1, 100),
  chunking:
    maxTokens > 0
      ? {
          chunkingStrategy: 'FIXED_SIZE',
          fixedSizeChunkingConfiguration: { maxTokens, overlapPercentage: 20 },
        }
      : DEFAULT_CHUNKING,
  embeddingModel: 'local/embed',
  dimension: 384,
  recallK: 5,
  mrrK: 10,
  verbose: process.env.BENCH_VERBOSE === '1',
};
const SEARCH_TYPES = ['vector', 'full-text', 'hybrid'];
const BASELINE = 'full-text';

const log = (line = '') => process.stdout.write(`${line}\n`);
const startedAt = new Date();
const loadAverageBefore = loadavg()[0];

const root = mkdtempSync(join(tmpdir(), 'lakegate-bench-retrieval-quality-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.on(signal, () => process.exit(code));
}

const embed = localEmbedder();
const engine = createEmbeddedVectorEngine({ root: join(root, 'vectors') });
let indexCount = 0;
const freshIndex = () =>
  engine.createIndex(`bench-${++indexCount}`, { dimension: settings.dimension, metric: 'cosine' });

// ---- 1. quality ------------------------------------------------------------------------------------------

async function search(index, type, text, vector) {
  const k = Math.max(settings.recallK, settings.mrrK);
  if (type === 'vector') return index.queryVector({ vector, k });
  if (type === 'full-text') return index.queryText({ text, k });
  return index.queryHybrid({ vector, text, k });
}

async function measureQuality(corpus) {
  const index = await freshIndex();
  const { documents, answers, chunks } = await indexCorpus({
    index,
    corpus,
    chunking: settings.chunking,
    embed,
  });
  const ranks = Object.fromEntries(SEARCH_TYPES.map((type) => [type, []]));
  const perQuestion = [];
  for (const answer of answers) {
    const [vector] = await embed([answer.question], 'search_query');
    const entry = { question: answer.question, document: answer.document, ranks: {} };
    for (const type of SEARCH_TYPES) {
      const rank = firstRelevantRank(await search(index, type, answer.question, vector), answer);
      ranks[type].push(rank);
      entry.ranks[type] = rank;
    }
    perQuestion.push(entry);
  }
  await index.close();
  const rows = SEARCH_TYPES.map((type) => ({
    corpus: corpus.name,
    search: type,
    documents: documents.length,
    chunks,
    questions: answers.length,
    recall: recallAt(settings.recallK, ranks[type]),
    mrr: mrrAt(settings.mrrK, ranks[type]),
  }));
  const baseline = rows.find((row) => row.search === BASELINE);
  for (const row of rows) {
    row.recallDelta = row.recall - baseline.recall;
    row.mrrDelta = row.mrr - baseline.mrr;
  }
  return { rows, perQuestion };
}

const qualityRows = [];
const perQuestion = {};
const verdicts = [];
const corpora = [demoCorpus()];
const debian = debianFaqCorpus();
if (debian === null)
  log(`debian-faq corpus skipped: ${DEBIAN_FAQ_DIR} has no *.en.html (apt-get install debian-faq)`);
else corpora.push(debian);

const chunkingLabel =
  settings.chunking.chunkingStrategy === 'FIXED_SIZE'
    ? `FIXED_SIZE ${settings.chunking.fixedSizeChunkingConfiguration.maxTokens} tokens, ${settings.chunking.fixedSizeChunkingConfiguration.overlapPercentage} % overlap`
    : settings.chunking.chunkingStrategy;
log(`retrieval quality: ${settings.embeddingModel} (${settings.dimension}), chunking ${chunkingLabel}`);
for (const corpus of corpora) {
  const started = performance.now();
  const result = await measureQuality(corpus);
  qualityRows.push(...result.rows);
  perQuestion[corpus.name] = result.perQuestion;
  log(
    `${corpus.name}: ${corpus.description}, ${result.rows[0].chunks} chunks, ${result.rows[0].questions} questions (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  const hybrid = result.rows.find((row) => row.search === 'hybrid');
  const below = hybrid.recallDelta < 0 || hybrid.mrrDelta < 0;
  verdicts.push(
    `${corpus.name}: hybrid vs full-text: recall@${settings.recallK} ${signed(hybrid.recallDelta)}, MRR@${settings.mrrK} ${signed(hybrid.mrrDelta)} — ${below ? 'BELOW the full-text baseline' : 'not below the full-text baseline'}`,
  );
  if (settings.verbose) {
    for (const entry of result.perQuestion) {
      const ranks = SEARCH_TYPES.map((type) => `${type} ${entry.ranks[type] ?? '–'}`).join(', ');
      log(`  ${ranks} | ${entry.question}`);
    }
  }
}

function signed(value) {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}`;
}

// ---- 2. ingestion throughput ------------------------------------------------------------------------------

function ingestionInputs() {
  const inputs = [];
  const pdf = debianFaqFile('debian-faq.en.pdf.gz');
  if (pdf !== null) {
    // Gunzipped into the temporary folder, then read from there as an uploaded file would be.
    const path = join(root, 'debian-faq.en.pdf');
    writeFileSync(path, gunzipSync(readFileSync(pdf)));
    inputs.push({
      label: 'Debian FAQ (PDF)',
      files: [{ name: 'debian-faq.en.pdf', bytes: readFileSync(path) }],
    });
  }
  const text = debianFaqFile('debian-faq.en.txt.gz');
  if (text !== null)
    inputs.push({
      label: 'Debian FAQ (plain text)',
      files: [{ name: 'debian-faq.en.txt', bytes: gunzipSync(readFileSync(text)) }],
    });
  const html = debianFaqHtmlNames();
  if (html.length > 0)
    inputs.push({
      label: 'Debian FAQ (HTML chapters)',
      files: html.map((name) => ({ name, bytes: readFileSync(join(DEBIAN_FAQ_DIR, name)) })),
    });
  return inputs;
}

async function measureIngestion(input) {
  // One warm-up round (lazy imports such as PDFium, JIT) that is not counted, as a server pays it once.
  const warmUp = await freshIndex();
  const { documents } = await ingestFiles({
    index: warmUp,
    files: input.files,
    chunking: settings.chunking,
    embed,
  });
  await engine.dropIndex(warmUp.id);
  const clock = stageClock();
  // CPU time next to wall time: on a shared machine the gap is time spent waiting for a core.
  let cpuMicroseconds = 0;
  for (let round = 0; round < settings.ingestRounds; round++) {
    const index = await freshIndex();
    const cpuBefore = process.cpuUsage();
    await ingestFiles({ index, files: input.files, chunking: settings.chunking, embed, clock });
    const cpu = process.cpuUsage(cpuBefore);
    cpuMicroseconds += cpu.user + cpu.system;
    await engine.dropIndex(index.id);
  }
  const rounds = settings.ingestRounds;
  const perRound = Object.fromEntries(Object.entries(clock.seconds).map(([stage, s]) => [stage, s / rounds]));
  const total = clock.total() / rounds;
  const pages = documents.reduce((sum, document) => sum + pageCount(document.parsed), 0);
  const [dominant] = Object.entries(perRound).sort((a, b) => b[1] - a[1]);
  return {
    input: input.label,
    format: documents[0]?.parsed.format,
    documents: documents.length,
    pages,
    chunks: documents.reduce((sum, document) => sum + document.chunks.length, 0),
    megabytes: input.files.reduce((sum, file) => sum + file.bytes.length, 0) / 1_048_576,
    ...perRound,
    total,
    cpuSeconds: cpuMicroseconds / 1e6 / rounds,
    pagesPerSecond: pages > 0 ? pages / total : undefined,
    documentsPerSecond: documents.length / total,
    dominant: `${dominant[0]} ${((dominant[1] / total) * 100).toFixed(0)} %`,
  };
}

const ingestionRows = [];
const inputs = ingestionInputs();
if (inputs.length === 0)
  log(`ingestion skipped: no Debian FAQ files in ${DEBIAN_FAQ_DIR} (apt-get install debian-faq)`);
for (const input of inputs) {
  const row = await measureIngestion(input);
  ingestionRows.push(row);
  log(`ingested ${input.label}: ${row.total.toFixed(2)} s per round (${settings.ingestRounds} rounds)`);
}
await engine.close();

// ---- report ------------------------------------------------------------------------------------------------

log('');
log(
  formatMarkdownTable(
    [
      { title: 'corpus', value: (r) => r.corpus, align: 'left' },
      {
        title: 'search',
        value: (r) => (r.search === BASELINE ? `${r.search} (baseline)` : r.search),
        align: 'left',
      },
      { title: 'docs', value: (r) => String(r.documents) },
      { title: 'chunks', value: (r) => String(r.chunks) },
      { title: 'questions', value: (r) => String(r.questions) },
      { title: `recall@${settings.recallK}`, value: (r) => fixed(3)(r.recall) },
      { title: 'Δ recall', value: (r) => (r.search === BASELINE ? '—' : signed(r.recallDelta)) },
      { title: `MRR@${settings.mrrK}`, value: (r) => fixed(3)(r.mrr) },
      { title: 'Δ MRR', value: (r) => (r.search === BASELINE ? '—' : signed(r.mrrDelta)) },
    ],
    qualityRows,
  ),
);
log('');
for (const verdict of verdicts) log(verdict);

if (ingestionRows.length > 0) {
  log('');
  log(
    formatMarkdownTable(
      [
        { title: 'input', value: (r) => r.input, align: 'left' },
        { title: 'format', value: (r) => r.format ?? '—', align: 'left' },
        { title: 'docs', value: (r) => String(r.documents) },
        { title: 'pages', value: (r) => (r.pages > 0 ? String(r.pages) : '—') },
        { title: 'chunks', value: (r) => String(r.chunks) },
        { title: 'MB', value: (r) => fixed(2)(r.megabytes) },
        { title: 'parse s', value: (r) => fixed(3)(r.parse) },
        { title: 'chunk s', value: (r) => fixed(3)(r.chunk) },
        { title: 'embed s', value: (r) => fixed(3)(r.embed) },
        { title: 'index s', value: (r) => fixed(3)(r.index) },
        { title: 'total s', value: (r) => fixed(3)(r.total) },
        { title: 'CPU s', value: (r) => fixed(3)(r.cpuSeconds) },
        { title: 'pages/s', value: (r) => fixed(0)(r.pagesPerSecond) },
        { title: 'docs/s', value: (r) => fixed(1)(r.documentsPerSecond) },
        { title: 'largest stage', value: (r) => r.dominant, align: 'left' },
      ],
      ingestionRows,
    ),
  );
  log('');
  log(
    `Seconds per round (mean of ${settings.ingestRounds} after a warm-up); index = upsert into the embedded engine, one fsync'ed batch per document; CPU s = process CPU time per round (all threads).`,
  );
  const pdfRow = ingestionRows.find((row) => row.format === 'pdf');
  if (pdfRow !== undefined)
    log(
      `PDF ingestion: ${pdfRow.pagesPerSecond.toFixed(0)} pages/s (target ≥ 200): ${pdfRow.pagesPerSecond >= 200 ? 'met' : `BELOW target; largest stage ${pdfRow.dominant}`}`,
    );
}

const file = writeResults({
  ...runRecord('retrieval-quality', startedAt, loadAverageBefore),
  settings,
  quality: qualityRows,
  perQuestion,
  ingestion: ingestionRows,
});
log(`results: ${file}`);
