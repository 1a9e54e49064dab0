// Knowledge bases end to end through the service (dist/retrieval KnowledgeBases), single client:
//   1. ingestion of BENCH_KB_DOCS generated text documents (10 % restricted to a group by sidecar):
//      documents/s and chunks/s for a first full sync, a re-sync with nothing changed (hashing only),
//      and a re-sync after one document changed;
//   2. retrieval QPS, against the baseline of the same engine query without the service (no
//      authorisation, no query embedding, no access filter): as an admin (no access filter) and as a
//      non-member (the allowed_groups filter inside the engine), HYBRID and SEMANTIC.
// Runs in-process on dist/ (build first: npx tsc -p tsconfig.build.json) with the built-in local/embed.
//
// Settings (environment): BENCH_KB_DOCS (default 2000), BENCH_KB_QUERIES (default 500), BENCH_KB_K (5).

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog } from '../../dist/catalog/index.js';
import { VolumeFiles } from '../../dist/data/index.js';
import { createProvider } from '../../dist/models/index.js';
import { createEmbeddedVectorEngine, KnowledgeBases } from '../../dist/retrieval/index.js';
import { openStore } from '../../dist/store/index.js';
import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';
import { runRecord, writeResults } from '../common/results.mjs';
import { numberSetting } from '../common/settings.mjs';

const settings = {
  documents: numberSetting('BENCH_KB_DOCS', 2000, 10, 1_000_000),
  queries: numberSetting('BENCH_KB_QUERIES', 500, 10, 1_000_000),
  k: numberSetting('BENCH_KB_K', 5, 1, 100),
};
const log = (line) => process.stdout.write(`${line}\n`);
const startedAt = new Date();
const loadAverageBefore = loadavg()[0];
const home = mkdtempSync(join(tmpdir(), 'lakegate-bench-kb-'));
process.on('exit', () => rmSync(home, { recursive: true, force: true }));

// ---- a catalog, a volume of documents, the service --------------------------------------------------------

const store = await openStore({ sqlitePath: join(home, 'control.db') });
const catalog = openCatalog({ store, masterKey: randomBytes(32) });
const { admin: adminPrincipal } = await catalog.identity.bootstrapAdmin({});
await catalog.securables.ensureMetastore(adminPrincipal.id);
const actorOf = (p) => ({ principalId: p.id, name: p.name, kind: 'user', isAdmin: p.isAdmin });
const admin = actorOf(adminPrincipal);
await catalog.securables.createCatalog(admin, 'main');
await catalog.securables.createSchema(admin, 'main.docs');
await catalog.securables.createObject(admin, 'volume', 'main.docs.files', {
  details: { volume_type: 'MANAGED' },
});
await catalog.identity.createPrincipal({ name: 'adjusters', kind: 'group' }, admin.principalId);
const reader = actorOf(
  await catalog.identity.createPrincipal({ name: 'reader', kind: 'user' }, admin.principalId),
);
for (const [type, name, privileges] of [
  ['catalog', 'main', ['USE CATALOG']],
  ['schema', 'main.docs', ['USE SCHEMA', 'QUERY']],
  ['volume', 'main.docs.files', ['READ VOLUME']],
]) {
  await catalog.securables.updatePermissions(admin, type, name, [{ principal: 'reader', add: privileges }]);
}

const volumes = new VolumeFiles({ catalog, dir: join(home, 'volumes') });
await volumes.open();
const ROOT = '/Volumes/main/docs/files/corpus';
const TOPICS = [
  'flood',
  'theft',
  'hail',
  'fire',
  'storm',
  'subsidence',
  'glass',
  'liability',
  'travel',
  'pet',
];
const ROOMS = ['kitchen', 'basement', 'attic', 'garage', 'bathroom', 'hall', 'office'];
function documentText(n, version = 0) {
  const topic = TOPICS[n % TOPICS.length];
  return Array.from(
    { length: 12 },
    (_, i) =>
      `Claim ${n}-${i} concerns ${topic} damage in the ${ROOMS[(n + i) % ROOMS.length]} of property ${n}; ` +
      `the adjuster noted item ${i * 7 + n} and a reserve of ${(n * 37 + i * 11) % 9000} EUR (revision ${version}).`,
  ).join(' ');
}
const body = (text) =>
  (async function* () {
    yield Buffer.from(text);
  })();
for (let n = 0; n < settings.documents; n++) {
  const path = `${ROOT}/${String(n).padStart(6, '0')}.txt`;
  await volumes.put(admin, path, body(documentText(n)));
  if (n % 10 === 0) {
    await volumes.put(
      admin,
      `${path}.metadata.json`,
      body(JSON.stringify({ metadataAttributes: { allowed_groups: ['adjusters'] } })),
    );
  }
}

const provider = createProvider('local', { type: 'local' }, {});
const models = {
  embed: async (_actor, modelId, texts, inputType) =>
    (await provider.embed({ modelId: modelId.replace(/^local\//, ''), inputs: [...texts], inputType }))
      .embeddings,
  converse: async (_actor, modelId, input) =>
    provider.converse({ ...input, modelId: modelId.replace(/^local\//, '') }),
};
const engine = createEmbeddedVectorEngine({ root: join(home, 'vectors') });
const kbs = new KnowledgeBases({ catalog, volumes, engine, models, stateDir: join(home, 'knowledge-bases') });
const kb = await kbs.create(admin, 'main.docs.corpus', { source: ROOT });

// ---- 1. ingestion ---------------------------------------------------------------------------------------

async function timedSync(label) {
  const started = performance.now();
  const job = await kbs.startIngestion(admin, kb.fullName);
  const ended = await kbs.waitForJob(admin, kb.fullName, job.jobId);
  const seconds = (performance.now() - started) / 1000;
  if (ended.status !== 'COMPLETE')
    throw new Error(`${label}: ${ended.status} ${ended.failureReasons.join('; ')}`);
  return { label, seconds, ...ended.statistics };
}
const ingestRows = [];
ingestRows.push(await timedSync('first sync (all new)'));
ingestRows.push(await timedSync('re-sync, nothing changed'));
await volumes.put(admin, `${ROOT}/000001.txt`, body(documentText(1, 1)), { overwrite: true });
ingestRows.push(await timedSync('re-sync, one document changed'));
log(
  `\nKnowledge-base ingestion: ${settings.documents} text documents (~1.7 KB each), local/embed, default chunking\n`,
);
log(
  formatMarkdownTable(
    [
      { title: 'run', value: (r) => r.label, align: 'left' },
      { title: 'seconds', value: (r) => fixed(2)(r.seconds) },
      { title: 'documents/s', value: (r) => fixed(0)(r.scanned / r.seconds) },
      { title: 'new', value: (r) => String(r.new) },
      { title: 'modified', value: (r) => String(r.modified) },
      { title: 'unchanged', value: (r) => String(r.unchanged) },
      { title: 'chunks', value: (r) => String(r.chunksIndexed) },
      { title: 'chunks/s', value: (r) => fixed(0)(r.chunksIndexed / r.seconds) },
    ],
    ingestRows,
  ),
);

// ---- 2. retrieval ---------------------------------------------------------------------------------------

const questions = Array.from(
  { length: settings.queries },
  (_, i) =>
    `${TOPICS[i % TOPICS.length]} damage in the ${ROOMS[i % ROOMS.length]} of property ${(i * 13) % settings.documents}`,
);
const index = await engine.openIndex(kb.id);
const vectors = await models.embed(admin, 'local/embed', questions, 'search_query');

async function qps(label, run) {
  for (let i = 0; i < Math.min(20, questions.length); i++) await run(i); // warm-up
  const started = performance.now();
  let hits = 0;
  for (let i = 0; i < questions.length; i++) hits += (await run(i)).length;
  const seconds = (performance.now() - started) / 1000;
  return {
    label,
    qps: questions.length / seconds,
    meanMs: (seconds * 1000) / questions.length,
    hits: hits / questions.length,
  };
}
const k = settings.k;
const queryRows = [
  await qps('engine queryHybrid (baseline: no auth, no embedding)', (i) =>
    index.queryHybrid({ vector: vectors[i], text: questions[i], k }),
  ),
  await qps('engine queryVector (baseline)', (i) => index.queryVector({ vector: vectors[i], k })),
  await qps('KB retrieve HYBRID, admin (no access filter)', (i) =>
    kbs.retrieve(admin, kb.fullName, { text: questions[i], numberOfResults: k }),
  ),
  await qps('KB retrieve HYBRID, non-member (allowed_groups filter)', (i) =>
    kbs.retrieve(reader, kb.fullName, { text: questions[i], numberOfResults: k }),
  ),
  await qps('KB retrieve SEMANTIC, admin', (i) =>
    kbs.retrieve(admin, kb.fullName, { text: questions[i], numberOfResults: k, searchType: 'SEMANTIC' }),
  ),
  await qps('KB retrieve SEMANTIC, non-member', (i) =>
    kbs.retrieve(reader, kb.fullName, { text: questions[i], numberOfResults: k, searchType: 'SEMANTIC' }),
  ),
];
const chunks = await index.count();
log(`\nKnowledge-base retrieval: ${chunks} chunks, k = ${k}, ${settings.queries} queries, one at a time\n`);
log(
  formatMarkdownTable(
    [
      { title: 'path', value: (r) => r.label, align: 'left' },
      { title: 'QPS', value: (r) => fixed(0)(r.qps) },
      { title: 'mean ms', value: (r) => fixed(2)(r.meanMs) },
      { title: 'hits/query', value: (r) => fixed(1)(r.hits) },
    ],
    queryRows,
  ),
);

await kbs.close();
await engine.close();
await catalog.close();
await store.close();
const file = writeResults({
  ...runRecord('knowledge-bases', startedAt, loadAverageBefore),
  settings: { ...settings, chunks },
  ingestion: ingestRows,
  retrieval: queryRows,
});
log(`\nresults: ${file}`);
