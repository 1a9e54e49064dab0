// `npm run bench:guardrails`: how well and how fast the sensitive-information detectors work.
// 1. Precision and recall per entity type on a generated, labelled evaluation set (eval-set.mjs): planted
//    entities of each type and near-misses of the same shape (failing checksums, ranges never issued).
//    A detection counts as a true positive when its type and its exact text match the planted entity.
// 2. The latency a guardrail adds to a message of 1, 2 and 8 KB (p50, p95; per KB), for a policy of every
//    pattern type, the same plus NAME (compromise), and a full policy (PII, custom regex, words, managed
//    profanity, prompt attack), against the baseline of the same call with an empty policy.
// Runs in-process on dist/ (build first: npm run build). Settings (environment): BENCH_GUARDRAILS_PER_TYPE
// (samples per type and kind, default 200), BENCH_SECONDS (measured seconds per latency row, default 1).

import { loadavg } from 'node:os';
import {
  applyGuardrail,
  compileGuardrail,
  detectPii,
  guardrailPolicySchema,
} from '../../dist/guardrails/index.js';
import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';
import { runRecord, writeResults } from '../common/results.mjs';
import { numberSetting } from '../common/settings.mjs';
import { percentile } from '../gateway/stats.mjs';
import { buildEvalSet, buildMessage, EVALUATED_TYPES } from './eval-set.mjs';

const PRECISION_TARGET = 0.95;
const RECALL_TARGET = 0.95;
const P50_TARGET_MS_2KB = 1;

const log = (line) => process.stdout.write(`${line}\n`);

function score(samples) {
  const types = new Set(EVALUATED_TYPES);
  const counts = new Map(EVALUATED_TYPES.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  const started = performance.now();
  for (const sample of samples) {
    const found = detectPii(sample.text, types).map((s) => ({
      type: s.type,
      text: sample.text.slice(s.start, s.end),
    }));
    const unmatched = [...sample.truth];
    for (const f of found) {
      const i = unmatched.findIndex((u) => u.type === f.type && u.text === f.text);
      if (i >= 0) {
        counts.get(f.type).tp++;
        unmatched.splice(i, 1);
      } else {
        counts.get(f.type).fp++;
      }
    }
    for (const missed of unmatched) counts.get(missed.type).fn++;
  }
  const elapsedMs = performance.now() - started;
  return {
    elapsedMs,
    rows: [...counts].map(([type, c]) => ({
      type,
      ...c,
      precision: c.tp + c.fp === 0 ? Number.NaN : c.tp / (c.tp + c.fp),
      recall: c.tp + c.fn === 0 ? Number.NaN : c.tp / (c.tp + c.fn),
    })),
  };
}

function policy(parts) {
  return guardrailPolicySchema.parse({
    blockedInputMessaging: 'Blocked.',
    blockedOutputsMessaging: 'Blocked.',
    ...parts,
  });
}

const PATTERN_PII = { piiEntitiesConfig: EVALUATED_TYPES.map((type) => ({ type, action: 'ANONYMIZE' })) };
const POLICIES = {
  'empty (baseline)': policy({}),
  'PII: every pattern type': policy({ sensitiveInformationPolicyConfig: PATTERN_PII }),
  'PII: pattern types + NAME (compromise)': policy({
    sensitiveInformationPolicyConfig: {
      piiEntitiesConfig: [...PATTERN_PII.piiEntitiesConfig, { type: 'NAME', action: 'ANONYMIZE' }],
    },
  }),
  'full: PII, regex, words, profanity, prompt attack': policy({
    sensitiveInformationPolicyConfig: {
      ...PATTERN_PII,
      regexesConfig: [{ name: 'CLAIM_ID', pattern: 'C-\\d{4}', action: 'ANONYMIZE' }],
    },
    wordPolicyConfig: {
      wordsConfig: [{ text: 'Project Falcon' }, { text: 'internal only' }],
      managedWordListsConfig: [{ type: 'PROFANITY' }],
    },
    contentPolicyConfig: {
      filtersConfig: [{ type: 'PROMPT_ATTACK', inputStrength: 'HIGH', outputStrength: 'NONE' }],
    },
  }),
};

async function latency(compiled, text, seconds) {
  for (let i = 0; i < 50; i++) await applyGuardrail(compiled, { source: 'INPUT', content: text });
  const times = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until || times.length < 50) {
    const t0 = performance.now();
    await applyGuardrail(compiled, { source: 'INPUT', content: text });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { n: times.length, p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function main() {
  const startedAt = new Date();
  const loadBefore = loadavg()[0];
  const perType = numberSetting('BENCH_GUARDRAILS_PER_TYPE', 200, 10, 100_000);
  const seconds = numberSetting('BENCH_SECONDS', 1, 0.1, 600);

  const samples = buildEvalSet(perType);
  log(
    `Guardrails: sensitive-information detectors on ${samples.length} labelled texts (${perType} planted + ${perType} near-misses per type)\n`,
  );
  const quality = score(samples);
  log(
    formatMarkdownTable(
      [
        { title: 'entity type', value: (r) => r.type, align: 'left' },
        { title: 'TP', value: (r) => String(r.tp) },
        { title: 'FP', value: (r) => String(r.fp) },
        { title: 'FN', value: (r) => String(r.fn) },
        { title: 'precision', value: (r) => fixed(3)(r.precision) },
        { title: 'recall', value: (r) => fixed(3)(r.recall) },
        {
          title: 'targets',
          value: (r) => (r.precision >= PRECISION_TARGET && r.recall >= RECALL_TARGET ? 'met' : 'MISSED'),
          align: 'left',
        },
      ],
      quality.rows,
    ),
  );
  const missed = quality.rows.filter((r) => !(r.precision >= PRECISION_TARGET && r.recall >= RECALL_TARGET));
  log(
    `\nTargets: precision >= ${PRECISION_TARGET} and recall >= ${RECALL_TARGET}: ${missed.length === 0 ? 'met for every type' : `missed for ${missed.map((r) => r.type).join(', ')}`}.`,
  );
  log(
    `Scoring took ${quality.elapsedMs.toFixed(0)} ms (${((quality.elapsedMs * 1000) / samples.length).toFixed(1)} µs per text).\n`,
  );

  const latencyRows = [];
  for (const kb of [1, 2, 8]) {
    const text = buildMessage(kb * 1024);
    let baseline;
    for (const [name, p] of Object.entries(POLICIES)) {
      const compiled = compileGuardrail(p);
      const measured = await latency(compiled, text, seconds);
      baseline ??= measured;
      latencyRows.push({ kb, name, ...measured, addedPerKb: (measured.p50 - baseline.p50) / kb });
    }
  }
  log(
    `Latency of applyGuardrail (INPUT) on claim prose with planted entities; the empty policy is the baseline.\n`,
  );
  log(
    formatMarkdownTable(
      [
        { title: 'KB', value: (r) => String(r.kb) },
        { title: 'policy', value: (r) => r.name, align: 'left' },
        { title: 'calls', value: (r) => String(r.n) },
        { title: 'p50 ms', value: (r) => fixed(3)(r.p50) },
        { title: 'p95 ms', value: (r) => fixed(3)(r.p95) },
        { title: 'added ms/KB (p50)', value: (r) => fixed(3)(r.addedPerKb) },
      ],
      latencyRows,
    ),
  );
  const twoKb = latencyRows.find((r) => r.kb === 2 && r.name === 'PII: every pattern type');
  const added2kb = twoKb.p50 - latencyRows.find((r) => r.kb === 2).p50;
  log(
    `\nAdded p50 latency for a 2 KB message, every pattern type: ${added2kb.toFixed(3)} ms (target <= ${P50_TARGET_MS_2KB} ms: ${added2kb <= P50_TARGET_MS_2KB ? 'met' : 'MISSED'}).`,
  );

  const record = {
    ...runRecord('guardrails', startedAt, loadBefore),
    settings: { perType, seconds },
    quality: quality.rows,
    latency: latencyRows,
  };
  log(`Results: ${writeResults(record)}`);
}

await main();
