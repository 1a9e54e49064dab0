// An ingestion job killed half-way (SIGKILL: nothing gets to clean up): after a restart, the job shows as
// interrupted, and the next job resumes: the files committed before the kill are skipped, the rest are
// indexed, and the index ends up exactly as a clean run over the same files leaves it, with no chunk
// lost, duplicated or orphaned. The job runs in a child Node process on this module's own code (bundled
// on the fly: vitest's TypeScript transform does not reach a child process).

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkIdOf, FileLedger, fileIdOf } from './file-ledger.js';
import { INTERRUPTED } from './ingestion-jobs.js';
import { ingest, type KbFixture, kbFixture, ROOT } from './test-support.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../../..');
// Inside the project, so the bundle finds its packages in node_modules.
const bundleDir = join(root, 'node_modules', '.cache', 'lakegate-interrupted-ingestion');
const FILES = 200;

let fx: KbFixture;

async function bundleChild(): Promise<string> {
  mkdirSync(bundleDir, { recursive: true });
  const entry = join(bundleDir, 'entry.mjs');
  const src = (path: string) => JSON.stringify(join(root, 'src', path));
  writeFileSync(
    entry,
    `import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openStore } from ${src('store/index.ts')};
import { openCatalog } from ${src('catalog/index.ts')};
import { VolumeFiles } from ${src('data/volumes/index.ts')};
import { createEmbeddedVectorEngine } from ${src('retrieval/engine/embedded-vector-engine.ts')};
import { KnowledgeBases } from ${src('retrieval/knowledge-bases/knowledge-base-service.ts')};
import { localRetrievalModels } from ${src('retrieval/test-support.ts')};
const [home, principalId, name] = process.argv.slice(2);
const store = await openStore({ sqlitePath: join(home, 'control.db') });
const catalog = openCatalog({ store, masterKey: randomBytes(32) });
const volumes = new VolumeFiles({ catalog, dir: join(home, 'volumes') });
const engine = createEmbeddedVectorEngine({ root: join(home, 'vectors') });
const kbs = new KnowledgeBases({ catalog, volumes, engine, models: localRetrievalModels(), stateDir: join(home, 'knowledge-bases') });
const admin = { principalId, name, kind: 'user', isAdmin: true };
const job = await kbs.startIngestion(admin, 'main.docs.crash', {
  onProgress: (p) => process.stdout.write('progress ' + p.filesDone + '\\n'),
});
await kbs.waitForJob(admin, 'main.docs.crash', job.jobId);
process.stdout.write('done\\n');
`,
  );
  const out = join(bundleDir, `child-${process.pid}.mjs`);
  await build({
    input: entry,
    platform: 'node',
    // Packages stay packages (native addons among them); only the project's own TypeScript is bundled.
    external: [/^[^./]/],
    resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
    output: { file: out, format: 'esm', codeSplitting: false },
    logLevel: 'silent',
  });
  return out;
}

function waitFor(child: ChildProcess, pattern: RegExp, output: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    child.stdout!.on('data', (data: Buffer) => {
      output.push(data.toString());
      if (pattern.test(output.join(''))) resolvePromise();
    });
    child.stderr!.on('data', (data: Buffer) => output.push(data.toString()));
    child.once('exit', (code) => reject(new Error(`child exited (${code}) early: ${output.join('')}`)));
  });
}

function document(n: number): string {
  const sentences = Array.from(
    { length: 120 },
    (_, i) =>
      `Claim file ${n} note ${i}: the adjuster recorded water damage in room ${i % 7} of building ${n}.`,
  );
  return sentences.join(' ');
}

beforeAll(async () => {
  fx = await kbFixture('kb-crash');
  for (let n = 0; n < FILES; n++) await fx.put(`crash/doc-${String(n).padStart(3, '0')}.txt`, document(n));
  await fx.kbs.create(fx.admin, 'main.docs.crash', { source: `${ROOT}/crash` });
  await fx.kbs.create(fx.admin, 'main.docs.reference', { source: `${ROOT}/crash` });
}, 120_000);

afterAll(async () => {
  await fx?.close();
  rmSync(join(bundleDir, `child-${process.pid}.mjs`), { force: true });
});

describe('an ingestion job killed half-way', () => {
  it('resumes after a restart with nothing committed lost or duplicated', async () => {
    const childScript = await bundleChild();
    // The child owns the vector index folder while it runs.
    await fx.kbs.close();
    await fx.engine.close();
    const child = spawn(process.execPath, [childScript, fx.home, fx.admin.principalId, fx.admin.name], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    // Ingestion reports progress after each batch of documents it commits: kill after the first batch.
    await waitFor(child, /progress ([1-9]\d+)\n/, output);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(output.join('')).not.toContain('done');

    await fx.restart();
    const interrupted = await fx.kbs.get(fx.admin, 'main.docs.crash');
    expect(interrupted.latestJob?.status).toBe('FAILED');
    expect(interrupted.latestJob?.failureReasons).toContain(INTERRUPTED);
    const committed = interrupted.documents;
    expect(committed).toBeGreaterThanOrEqual(10);
    expect(committed).toBeLessThan(FILES);

    const resumed = await ingest(fx, fx.admin, 'main.docs.crash');
    expect(resumed.status).toBe('COMPLETE');
    expect(resumed.statistics).toMatchObject({ scanned: FILES, unchanged: committed, deleted: 0, failed: 0 });
    // A file begun but not committed when the kill came counts as new: its chunks are rewritten in place.
    expect(resumed.statistics.new).toBe(FILES - committed);

    const reference = await ingest(fx, fx.admin, 'main.docs.reference');
    const crash = await fx.kbs.get(fx.admin, 'main.docs.crash');
    const clean = await fx.kbs.get(fx.admin, 'main.docs.reference');
    expect(crash.chunks).toBe(clean.chunks);
    expect(crash.chunks).toBe(reference.statistics.chunksIndexed);
    expect(await (await fx.engine.openIndex(crash.id)).count()).toBe(clean.chunks);

    // Every document is findable once, in both.
    for (const n of [0, 57, FILES - 1]) {
      const hits = await fx.kbs.retrieve(fx.admin, 'main.docs.crash', {
        text: `building ${n} claim file ${n}`,
        numberOfResults: 3,
      });
      expect(hits[0]?.documentPath).toBe(`${ROOT}/crash/doc-${String(n).padStart(3, '0')}.txt`);
    }
  }, 120_000);

  it('removes the chunks of a batch that was upserted but never committed (the kill between the two)', async () => {
    // The state a kill leaves right after a batch's upsert: `begin` in the ledger, many chunk ids in the
    // index, no `commit`. Made by hand, with the service stopped, so that it is exactly that state.
    const { id } = await fx.kbs.get(fx.admin, 'main.docs.crash');
    const path = `${ROOT}/crash/doc-007.txt`;
    await fx.restart();
    const index = await fx.engine.openIndex(id);
    const before = await index.count();
    const ledger = await FileLedger.open(join(fx.home, 'knowledge-bases', id));
    const fileId = fileIdOf(path);
    ledger.begin(path, fileId, 40);
    ledger.close();
    const vector = new Float32Array(index.dimension).fill(0.5);
    await index.upsert(
      Array.from({ length: 40 }, (_, n) => ({ id: chunkIdOf(fileId, n), vector, text: `half-written ${n}` })),
    );
    await fx.put('crash/doc-007.txt', `${document(7)} One more sentence.`);
    await fx.restart();

    const job = await ingest(fx, fx.admin, 'main.docs.crash');
    expect(job.statistics).toMatchObject({ modified: 1, unchanged: FILES - 1 });
    const after = await fx.kbs.get(fx.admin, 'main.docs.crash');
    expect(await (await fx.engine.openIndex(id)).count()).toBe(after.chunks);
    expect(after.chunks - before).toBeLessThanOrEqual(1);
    const stale = await fx.kbs.retrieve(fx.admin, 'main.docs.crash', {
      text: 'half-written',
      numberOfResults: 100,
    });
    expect(stale.some((hit) => hit.text.startsWith('half-written'))).toBe(false);
  }, 120_000);
});
