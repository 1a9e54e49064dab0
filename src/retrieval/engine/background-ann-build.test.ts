// The HNSW graph built off the event loop (index-graph.ts, ann-build-thread.ts): the event loop keeps
// running during a build, queries stay exact until the graph is in, writes during the build are caught up
// (on the event loop or in another worker round), and close, checkpoint and a failing worker leave neither
// a worker nor a file behind. Runs the built worker (dist/), which the vitest global setup builds.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runningAnnBuildWorkers } from './ann-build-thread.js';
import { createEmbeddedVectorEngine, type EmbeddedVectorEngineOptions } from './embedded-vector-engine.js';
import { EmbeddedVectorIndex } from './embedded-vector-index.js';
import { annBuildPath, removeOtherGenerations } from './index-files.js';
import { randomVectors } from './test-support.js';
import type { VectorEngine, VectorIndex, VectorRecord } from './vector-engine.js';

/** A cheap graph (M 8, ef construction 16), so that 50,000 vectors build in seconds on a loaded machine. */
const CHEAP_ANN = { connectivity: 8, expansionAdd: 16 };

let root: string;
let engines: VectorEngine[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lakegate-ann-build-'));
  engines = [];
});
afterEach(async () => {
  for (const engine of engines) await engine.close();
  rmSync(root, { recursive: true, force: true });
});

function engineAt(folder: string, options: Omit<EmbeddedVectorEngineOptions, 'root'>): VectorEngine {
  const engine = createEmbeddedVectorEngine({ root: join(root, folder), ...options });
  engines.push(engine);
  return engine;
}

function embedded(index: VectorIndex): EmbeddedVectorIndex {
  if (!(index instanceof EmbeddedVectorIndex)) throw new Error('not an embedded index');
  return index;
}

const records = (vectors: Float32Array[], prefix: string, from = 0): VectorRecord[] =>
  vectors.map((vector, i) => ({ id: `${prefix}${from + i}`, vector, metadata: { n: from + i } }));

async function upsertInBatches(index: VectorIndex, all: VectorRecord[], batch = 5_000): Promise<void> {
  for (let start = 0; start < all.length; start += batch) await index.upsert(all.slice(start, start + batch));
}

const temporaries = (folder: string, indexId: string) =>
  readdirSync(join(root, folder, indexId)).filter((name) => name.endsWith('.tmp'));

async function topId(index: VectorIndex, vector: Float32Array): Promise<string | undefined> {
  return (await index.queryVector({ vector, k: 1 }))[0]?.id;
}

describe('HNSW build on a worker thread', () => {
  it('does not block the event loop while 50,000 vectors are built, and answers exactly meanwhile', async () => {
    const dimension = 8;
    const vectors = randomVectors(50_000, dimension, 1);
    const engine = engineAt('big', { annThreshold: 50_000, ann: CHEAP_ANN });
    const index = embedded(await engine.createIndex('big', { dimension, metric: 'cosine' }));
    await upsertInBatches(index, records(vectors.slice(0, 45_000), 'v'));
    expect(index.annStatus().state).toBe('exact');

    await index.upsert(records(vectors.slice(45_000), 'v', 45_000)); // crosses the threshold
    expect(index.annStatus().state).toBe('building');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      // Until the graph is in, the exact scan answers (and is exact).
      expect(await topId(index, vectors[123]!)).toBe('v123');
      const status = await index.annSettled();
      expect(status).toMatchObject({ state: 'ready', graphVectors: 50_000, workerRounds: 1 });
    } finally {
      clearInterval(timer);
    }
    // A build of seconds on the event loop would let the timer fire once or twice at most.
    expect(ticks).toBeGreaterThanOrEqual(20);
    expect(runningAnnBuildWorkers()).toBe(0);
    expect(temporaries('big', 'big')).toEqual([]);
  });

  it.each([
    ['caught up on the event loop', 300, 1],
    ['caught up in a second worker round', 3_000, 2],
  ] as const)(
    'applies writes made during the build before swapping the graph in (%s)',
    async (_, added, rounds) => {
      const dimension = 16;
      const initial = 4_000;
      const vectors = randomVectors(initial + added + 250, dimension, 7);
      const fresh = vectors.slice(initial, initial + added);
      const replacements = vectors.slice(initial + added, initial + added + 200);
      const renewed = vectors.slice(initial + added + 200);
      // One insert thread: usearch's parallel insertion now and then leaves a node unreachable (usearch-ann.ts).
      const annEngine = engineAt('ann', { annThreshold: initial, ann: { buildThreads: 1 } });
      const exactEngine = engineAt('exact', { annThreshold: Number.POSITIVE_INFINITY });
      const index = embedded(await annEngine.createIndex('docs', { dimension, metric: 'cosine' }));
      const reference = await exactEngine.createIndex('docs', { dimension, metric: 'cosine' });

      // The same writes on both: the first crosses the threshold, the rest land while the graph is built.
      const writes: Array<(target: VectorIndex) => Promise<unknown>> = [
        (target) => target.upsert(records(vectors.slice(0, initial), 'v')),
        (target) => target.upsert(records(fresh, 'n')), // new records: slots above the build's copy
        (target) => target.upsert(records(replacements, 'v')), // v0..v199 move: old slots die, new ones come
        (target) => target.delete(Array.from({ length: 200 }, (_, i) => `v${200 + i}`)),
        (target) => target.upsert(records(renewed, 'n')), // n0..n49 replaced again
        (target) => target.delete(Array.from({ length: 50 }, (_, i) => `n${50 + i}`)), // born and died mid-build
      ];
      for (const write of writes) await write(index);
      expect(index.annStatus().state).toBe('building'); // so every write above did land during the build
      for (const write of writes) await write(reference);

      const status = await index.annSettled();
      const live = await index.count();
      expect(live).toBe(await reference.count());
      expect(status).toMatchObject({ state: 'ready', graphVectors: live, workerRounds: rounds });

      // Every live record is found by its own vector through the graph, those written during the build at
      // their new place (the exact reference agrees); the graph holds no more than the live records
      // (graphVectors above), so the deleted and replaced ones are gone from it.
      const members: Array<[Float32Array, string]> = [];
      for (let i = 100; i < added; i++) members.push([fresh[i]!, `n${i}`]);
      for (let i = 0; i < 200; i++) members.push([replacements[i]!, `v${i}`]);
      for (let i = 0; i < 50; i++) members.push([renewed[i]!, `n${i}`]);
      for (let i = 400; i < initial; i += 10) members.push([vectors[i]!, `v${i}`]);
      for (const [vector, id] of members) {
        expect(await topId(reference, vector)).toBe(id);
        expect(await topId(index, vector)).toBe(id);
      }
      expect(temporaries('ann', 'docs')).toEqual([]);
    },
  );

  it('abandons a running build on close: no worker, no file; the next open builds again', async () => {
    const dimension = 8;
    const vectors = randomVectors(50_000, dimension, 3);
    let engine = engineAt('closing', { annThreshold: 50_000, ann: CHEAP_ANN });
    const index = embedded(await engine.createIndex('idx', { dimension, metric: 'cosine' }));
    await upsertInBatches(index, records(vectors, 'v'));
    expect(index.annStatus().state).toBe('building');

    await engine.close();
    expect(runningAnnBuildWorkers()).toBe(0);
    const files = readdirSync(join(root, 'closing', 'idx'));
    expect(files.filter((name) => name.endsWith('.tmp') || name.endsWith('.usearch'))).toEqual([]);

    engine = engineAt('closing', { annThreshold: 50_000, ann: CHEAP_ANN });
    const reopened = embedded(await engine.openIndex('idx'));
    expect(reopened.annStatus().state).toBe('building');
    expect(await reopened.annSettled()).toMatchObject({ state: 'ready', graphVectors: 50_000 });
  });

  it('checkpoint waits for a running build and saves its graph, which the next open loads', async () => {
    const dimension = 16;
    const vectors = randomVectors(3_000, dimension, 5);
    let engine = engineAt('saved', { annThreshold: 3_000, ann: { buildThreads: 1 } });
    const index = embedded(await engine.createIndex('idx', { dimension, metric: 'l2' }));
    await index.upsert(records(vectors, 'v'));
    expect(index.annStatus().state).toBe('building');
    await index.checkpoint();
    expect(index.annStatus()).toMatchObject({ state: 'ready', graphVectors: 3_000 });
    expect(readdirSync(join(root, 'saved', 'idx')).filter((name) => name.endsWith('.usearch'))).toHaveLength(
      1,
    );

    await engine.close();
    engine = engineAt('saved', { annThreshold: 3_000, ann: { buildThreads: 1 } });
    const reopened = embedded(await engine.openIndex('idx'));
    expect(reopened.annStatus()).toMatchObject({ state: 'ready', graphVectors: 3_000, workerRounds: 0 });
    expect(await topId(reopened, vectors[2_999]!)).toBe('v2999');
  });

  it('checkpoints during a build spare its file; a compaction restarts it for the new slot numbers', async () => {
    const dimension = 16;
    const vectors = randomVectors(5_001, dimension, 13);
    // A checkpoint after every upsert: the first runs while the graph is being built.
    const engine = engineAt('compacting', {
      annThreshold: 1_000,
      walCheckpointBytes: 1,
      ann: { buildThreads: 1 },
    });
    const index = embedded(await engine.createIndex('idx', { dimension, metric: 'cosine' }));
    await index.upsert(records(vectors.slice(0, 5_000), 'v'));
    await index.delete(Array.from({ length: 3_000 }, (_, i) => `v${i}`));
    expect(index.annStatus()).toMatchObject({ state: 'building', workerRounds: 1 });

    // 3,000 dead slots against 2,000 live: this checkpoint compacts, which renumbers the slots.
    await index.upsert(records(vectors.slice(5_000), 'v', 5_000));
    expect(index.annStatus()).toMatchObject({ state: 'building', workerRounds: 2 });
    expect(await index.annSettled()).toMatchObject({ state: 'ready', graphVectors: 2_001, workerRounds: 2 });
    expect(runningAnnBuildWorkers()).toBe(0);
    expect(temporaries('compacting', 'idx')).toEqual([]);
    for (const i of [3_000, 3_999, 4_567, 5_000]) expect(await topId(index, vectors[i]!)).toBe(`v${i}`);
    expect(await index.queryVector({ vector: vectors[0]!, k: 2_001 })).toHaveLength(2_001);
  });

  it("a checkpoint's sweep of temporaries spares the files of the running build", async () => {
    const dir = join(root, 'sweep');
    mkdirSync(dir);
    for (const name of ['snapshot-1.bin', 'snapshot-2.bin', 'ann-build-1.tmp', 'ann-build-2.tmp'])
      writeFileSync(join(dir, name), 'x');
    await removeOtherGenerations(dir, 2, new Set([annBuildPath(dir, 2)]));
    expect(readdirSync(dir).sort()).toEqual(['ann-build-2.tmp', 'snapshot-2.bin']);
  });

  it('a failed build leaves exact search, reports the error, and a later write retries', async () => {
    const dimension = 16;
    const vectors = randomVectors(3_001, dimension, 9);
    const failures: Array<{ indexId: string; error: Error }> = [];
    const engine = engineAt('failing', {
      annThreshold: 3_000,
      ann: { buildThreads: 1 },
      onAnnBuildError: (indexId, error) => failures.push({ indexId, error }),
    });
    const index = embedded(await engine.createIndex('idx', { dimension, metric: 'cosine' }));
    // The worker cannot save its graph: a directory stands where the file goes.
    const blocked = annBuildPath(join(root, 'failing', 'idx'), 1);
    mkdirSync(blocked);
    await index.upsert(records(vectors.slice(0, 3_000), 'v'));

    const failed = await index.annSettled();
    expect(failed).toMatchObject({ state: 'failed', workerRounds: 1 });
    expect(failed.error).toMatch(/directory/i);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ indexId: 'idx', error: { message: failed.error } });
    expect(runningAnnBuildWorkers()).toBe(0);
    expect(await topId(index, vectors[42]!)).toBe('v42'); // exact search still answers

    rmSync(blocked, { recursive: true });
    await index.upsert(records(vectors.slice(3_000), 'v', 3_000));
    expect(index.annStatus().state).toBe('building');
    expect(await index.annSettled()).toMatchObject({ state: 'ready', graphVectors: 3_001, workerRounds: 2 });
    expect(await topId(index, vectors[3_000]!)).toBe('v3000');
    expect(temporaries('failing', 'idx')).toEqual([]);
  });

  it('builds a small graph synchronously, where a worker would cost more than the build', async () => {
    const dimension = 16;
    const vectors = randomVectors(200, dimension, 11);
    const engine = engineAt('small', { annThreshold: 100 });
    const index = embedded(await engine.createIndex('idx', { dimension, metric: 'dot' }));
    await index.upsert(records(vectors, 'v'));
    expect(index.annStatus()).toEqual({ state: 'ready', graphVectors: 200, workerRounds: 0 });
  });
});
