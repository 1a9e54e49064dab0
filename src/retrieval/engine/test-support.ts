// The one suite every VectorEngine backend runs (see *.test.ts beside it): lifecycle, the three metrics
// against a brute-force reference computed here, every filter operator, deletes, replacement, full text,
// hybrid on a small labelled set, persistence across reopen, and crash safety of the write-ahead log.

import {
  closeSync,
  cpSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom as seeded } from '../../core/index.js';
import type { MetadataFilter } from './metadata-filter.js';
import type { Metadata, VectorEngine, VectorHit, VectorIndex, VectorMetric } from './vector-engine.js';

export interface EngineUnderTest {
  /** A new engine over `root`; called again on the same root to test reopening. */
  make(root: string): VectorEngine;
  /**
   * Whether vector search may miss true neighbours (ANN). Exact backends must find all 100 reference
   * neighbours of the brute-force comparisons; approximate ones 90 (HNSW on uniform random vectors, the
   * hardest case, with a multi-threaded and so not deterministic build).
   */
  approximate: boolean;
  /** Where an index's write-ahead log lives, for the torn-write tests; undefined when not file-based. */
  logFile?(root: string, indexId: string): string;
}

export function randomVectors(count: number, dimension: number, seed: number): Float32Array[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () =>
    Float32Array.from({ length: dimension }, () => random() * 2 - 1),
  );
}

function referenceScore(metric: VectorMetric, a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
    l2 += (a[i]! - b[i]!) ** 2;
  }
  if (metric === 'cosine') return dot / Math.sqrt(na * nb);
  if (metric === 'dot') return dot;
  return 1 / (1 + l2);
}

const ids = (hits: VectorHit[]) => hits.map((hit) => hit.id);
const sorted = (values: string[]) => [...values].sort();

// ---- the labelled set for full-text and hybrid ------------------------------------------------------------
// Vectors come from a toy "semantic" embedder: words map to concepts (synonyms share one), so a vector knows
// "bike" ~ "bicycle" but is blind to identifiers like "PX-9902", while BM25 is the reverse.

const CONCEPTS: Record<string, number> = {
  flood: 0,
  water: 0,
  leak: 0,
  pipe: 0,
  rain: 0,
  basement: 0,
  damp: 0,
  car: 1,
  collision: 1,
  bumper: 1,
  windshield: 1,
  motorway: 1,
  highway: 1,
  vehicle: 1,
  crash: 1,
  theft: 2,
  burglary: 2,
  stolen: 2,
  bike: 2,
  bicycle: 2,
  robbery: 2,
  thief: 2,
  policy: 3,
  renewal: 3,
  cancellation: 3,
  premium: 3,
  contract: 3,
  fire: 4,
  smoke: 4,
  burn: 4,
  blaze: 4,
};
const CONCEPT_DIMENSION = 8;

function conceptVector(text: string): Float32Array {
  const vector = new Float32Array(CONCEPT_DIMENSION);
  vector[CONCEPT_DIMENSION - 1] = 0.05; // never all-zero
  for (const word of text.toLowerCase().split(/[^a-z]+/)) {
    const concept = CONCEPTS[word];
    if (concept !== undefined) vector[concept] = vector[concept]! + 1;
  }
  return vector;
}

const LABELLED_DOCS: Record<string, string> = {
  d1: 'Flood in the basement after heavy rain',
  d2: 'A burst pipe caused a water leak in the kitchen',
  d3: 'Rear bumper damaged in a collision on the highway',
  d4: 'Windshield cracked by a stone on the motorway',
  d5: 'Policy PX-4471 renewal notice and premium',
  d6: 'Policy PX-9902 cancellation letter',
  d7: 'Bicycle theft from the garage',
  d8: 'Burglary while the owners were on holiday',
  d9: 'Kitchen fire with heavy smoke damage',
  d10: 'Garage roof damaged by a storm',
};

const LABELLED_QUERIES: Array<{ text: string; relevant: string[] }> = [
  { text: 'stolen bike', relevant: ['d7'] }, // no shared term with d7: the vector finds it
  { text: 'PX-9902', relevant: ['d6'] }, // an identifier: only BM25 can tell d6 from d5
  { text: 'water damage kitchen', relevant: ['d2'] },
  { text: 'car crash', relevant: ['d3', 'd4'] }, // synonyms only
  { text: 'garage storm roof', relevant: ['d10'] }, // words only: no concept
  { text: 'blaze in the kitchen', relevant: ['d9'] },
];

function recallAtK(results: VectorHit[][], k: number): number {
  let total = 0;
  LABELLED_QUERIES.forEach((query, i) => {
    const top = new Set(ids(results[i]!).slice(0, k));
    total += query.relevant.filter((id) => top.has(id)).length / query.relevant.length;
  });
  return total / LABELLED_QUERIES.length;
}

// ---- the filter fixture -----------------------------------------------------------------------------------

const FILTER_RECORDS: Array<{ id: string; metadata: Metadata }> = [
  {
    id: 'f1',
    metadata: { region: 'north', year: 2021, tags: ['flood', 'home'], open: true, code: 'CLM-100' },
  },
  { id: 'f2', metadata: { region: 'south', year: 2022, tags: ['motor'], open: false, code: 'CLM-200' } },
  {
    id: 'f3',
    metadata: { region: 'north', year: 2023, tags: ['motor', 'theft'], open: true, code: 'POL-300' },
  },
  { id: 'f4', metadata: { region: 'east', year: 2024, tags: [], open: false, code: 'POL-400' } },
  { id: 'f5', metadata: { year: 2025, code: 'CLM-500-north' } },
];

const FILTER_CASES: Array<{ name: string; filter: MetadataFilter; expected: string[] }> = [
  { name: 'equals string', filter: { equals: { key: 'region', value: 'north' } }, expected: ['f1', 'f3'] },
  { name: 'equals number', filter: { equals: { key: 'year', value: 2022 } }, expected: ['f2'] },
  { name: 'equals boolean', filter: { equals: { key: 'open', value: true } }, expected: ['f1', 'f3'] },
  {
    name: 'notEquals (missing key matches)',
    filter: { notEquals: { key: 'region', value: 'north' } },
    expected: ['f2', 'f4', 'f5'],
  },
  { name: 'greaterThan', filter: { greaterThan: { key: 'year', value: 2023 } }, expected: ['f4', 'f5'] },
  {
    name: 'greaterThanOrEquals',
    filter: { greaterThanOrEquals: { key: 'year', value: 2023 } },
    expected: ['f3', 'f4', 'f5'],
  },
  { name: 'lessThan', filter: { lessThan: { key: 'year', value: 2022 } }, expected: ['f1'] },
  {
    name: 'lessThanOrEquals',
    filter: { lessThanOrEquals: { key: 'year', value: 2022 } },
    expected: ['f1', 'f2'],
  },
  { name: 'lessThan on a string is false', filter: { lessThan: { key: 'region', value: 5 } }, expected: [] },
  { name: 'in', filter: { in: { key: 'region', value: ['south', 'east'] } }, expected: ['f2', 'f4'] },
  {
    name: 'notIn (missing key matches)',
    filter: { notIn: { key: 'region', value: ['south', 'east'] } },
    expected: ['f1', 'f3', 'f5'],
  },
  {
    name: 'startsWith',
    filter: { startsWith: { key: 'code', value: 'CLM-' } },
    expected: ['f1', 'f2', 'f5'],
  },
  {
    name: 'stringContains on a string',
    filter: { stringContains: { key: 'code', value: '00-n' } },
    expected: ['f5'],
  },
  {
    name: 'stringContains on a list',
    filter: { stringContains: { key: 'tags', value: 'mot' } },
    expected: ['f2', 'f3'],
  },
  { name: 'listContains', filter: { listContains: { key: 'tags', value: 'motor' } }, expected: ['f2', 'f3'] },
  {
    name: 'andAll',
    filter: {
      andAll: [
        { equals: { key: 'region', value: 'north' } },
        { listContains: { key: 'tags', value: 'theft' } },
      ],
    },
    expected: ['f3'],
  },
  {
    name: 'orAll',
    filter: {
      orAll: [{ equals: { key: 'region', value: 'east' } }, { greaterThan: { key: 'year', value: 2024 } }],
    },
    expected: ['f4', 'f5'],
  },
  {
    name: 'nested',
    filter: {
      andAll: [
        { orAll: [{ startsWith: { key: 'code', value: 'POL' } }, { equals: { key: 'open', value: true } }] },
        { notEquals: { key: 'year', value: 2021 } },
      ],
    },
    expected: ['f3', 'f4'],
  },
];

// ---- the suite --------------------------------------------------------------------------------------------

export function describeVectorEngine(name: string, backend: EngineUnderTest): void {
  describe(`VectorEngine: ${name}`, () => {
    let root: string;
    let engine: VectorEngine;

    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'lakegate-vectors-'));
      engine = backend.make(root);
    });
    afterEach(async () => {
      await engine.close();
      rmSync(root, { recursive: true, force: true });
    });

    async function reopen(indexId: string): Promise<VectorIndex> {
      await engine.close();
      engine = backend.make(root);
      return engine.openIndex(indexId);
    }

    describe('lifecycle', () => {
      it('creates, opens, refuses duplicates and unknown ids, drops', async () => {
        const index = await engine.createIndex('claims', { dimension: 4, metric: 'cosine' });
        expect(index.dimension).toBe(4);
        expect(await index.count()).toBe(0);
        await expect(engine.createIndex('claims', { dimension: 4, metric: 'cosine' })).rejects.toMatchObject({
          code: 'ALREADY_EXISTS',
        });
        await expect(engine.openIndex('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await expect(
          engine.createIndex('../escape', { dimension: 4, metric: 'cosine' }),
        ).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
        await expect(engine.createIndex('bad-dim', { dimension: 0, metric: 'cosine' })).rejects.toMatchObject(
          {
            code: 'VALIDATION_FAILED',
          },
        );
        await engine.dropIndex('claims');
        await expect(engine.openIndex('claims')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      });

      it('refuses use after close', async () => {
        const index = await engine.createIndex('closing', { dimension: 2, metric: 'l2' });
        await index.close();
        await expect(index.count()).rejects.toMatchObject({ code: 'UNSUPPORTED_OPERATION' });
        await expect(index.upsert([{ id: 'a', vector: [1, 2] }])).rejects.toThrow(/closed/);
      });
    });

    describe.each(['cosine', 'dot', 'l2'] as const)('vector search (%s)', (metric) => {
      it('returns the same neighbours and scores as brute force', async () => {
        const dimension = 16;
        const vectors = randomVectors(300, dimension, 11);
        const index = await engine.createIndex(`m-${metric}`, { dimension, metric });
        await index.upsert(vectors.map((vector, i) => ({ id: `r${i}`, vector })));
        expect(await index.count()).toBe(300);
        let agreed = 0;
        for (const query of randomVectors(20, dimension, 99)) {
          const reference = vectors
            .map((vector, i) => ({ id: `r${i}`, score: referenceScore(metric, query, vector) }))
            .sort((a, b) => b.score - a.score)
            .slice(0, 5);
          const hits = await index.queryVector({ vector: query, k: 5 });
          expect(hits).toHaveLength(5);
          if (!backend.approximate) expect(hits[0]!.score).toBeCloseTo(reference[0]!.score, 4);
          const topRow = Number(hits[0]!.id.slice(1));
          expect(hits[0]!.score).toBeCloseTo(referenceScore(metric, query, vectors[topRow]!), 4);
          for (let i = 1; i < hits.length; i++)
            expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
          agreed += reference.filter((r) => ids(hits).includes(r.id)).length;
        }
        expect(agreed).toBeGreaterThanOrEqual(backend.approximate ? 90 : 100);
      });
    });

    it('rejects bad records without writing any of the batch', async () => {
      const index = await engine.createIndex('strict', { dimension: 3, metric: 'cosine' });
      await index.upsert([{ id: 'ok', vector: [1, 0, 0] }]);
      const bad = [
        [
          { id: 'a', vector: [1, 0, 0] },
          { id: 'b', vector: [1, 0] },
        ],
        [
          { id: 'a', vector: [1, 0, 0] },
          { id: 'b', vector: [0, 0, 0] },
        ],
        [
          { id: 'a', vector: [1, 0, 0] },
          { id: 'b', vector: [1, Number.NaN, 0] },
        ],
        [
          { id: 'a', vector: [1, 0, 0] },
          { id: 'a', vector: [0, 1, 0] },
        ],
        [{ id: '', vector: [1, 0, 0] }],
        [{ id: 'a', vector: [1, 0, 0], metadata: { nested: { no: 1 } } as unknown as Metadata }],
      ];
      for (const batch of bad)
        await expect(index.upsert(batch)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await index.count()).toBe(1);
      await expect(index.queryVector({ vector: [1, 0], k: 1 })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(index.queryVector({ vector: [1, 0, 0], k: 0 })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    });

    it('replaces a record on upsert of the same id', async () => {
      const index = await engine.createIndex('replace', { dimension: 2, metric: 'cosine' });
      await index.upsert([
        { id: 'a', vector: [1, 0], metadata: { v: 1 }, text: 'alpha' },
        { id: 'b', vector: [0.6, 0.8], metadata: { v: 1 }, text: 'beta' },
      ]);
      await index.upsert([{ id: 'a', vector: [0, 1], metadata: { v: 2 }, text: 'gamma' }]);
      expect(await index.count()).toBe(2);
      const hits = await index.queryVector({ vector: [0, 1], k: 2 });
      expect(hits.map((h) => [h.id, h.metadata['v']])).toEqual([
        ['a', 2],
        ['b', 1],
      ]);
      expect(await index.queryText({ text: 'alpha', k: 5 })).toEqual([]);
      expect(ids(await index.queryText({ text: 'gamma', k: 5 }))).toEqual(['a']);
    });

    describe('metadata filters', () => {
      let index: VectorIndex;
      beforeEach(async () => {
        index = await engine.createIndex('filters', { dimension: 4, metric: 'cosine' });
        await index.upsert(
          FILTER_RECORDS.map((record, i) => ({
            ...record,
            vector: [1, i + 1, 0.5, -i],
            text: `claim record number ${record.id}`,
          })),
        );
      });

      it.each(FILTER_CASES)('$name', async ({ filter, expected }) => {
        const byVector = await index.queryVector({ vector: [1, 1, 1, 1], k: 10, filter });
        expect(sorted(ids(byVector))).toEqual(sorted(expected));
        const byText = await index.queryText({ text: 'claim record', k: 10, filter });
        expect(sorted(ids(byText))).toEqual(sorted(expected));
        const hybrid = await index.queryHybrid({ vector: [1, 1, 1, 1], text: 'claim', k: 10, filter });
        expect(sorted(ids(hybrid))).toEqual(sorted(expected));
      });

      it('refuses malformed filters with a clear error', async () => {
        const malformed: unknown[] = [
          { equals: { key: 'region' } },
          { greaterThan: { key: 'year', value: '2020' } },
          { in: { key: 'region', value: [] } },
          { andAll: [] },
          { equals: { key: 'a', value: 1 }, notEquals: { key: 'b', value: 2 } },
          { near: { key: 'a', value: 1 } },
        ];
        for (const filter of malformed)
          await expect(
            index.queryVector({ vector: [1, 1, 1, 1], k: 3, filter: filter as MetadataFilter }),
          ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      });
    });

    it('returns k matches for a selective filter (the 5 of 2,000 that pass)', async () => {
      const dimension = 8;
      const vectors = randomVectors(2_000, dimension, 5);
      const index = await engine.createIndex('selective', { dimension, metric: 'l2' });
      await index.upsert(
        vectors.map((vector, i) => ({ id: `s${i}`, vector, metadata: { rare: i % 400 === 7 } })),
      );
      const hits = await index.queryVector({
        vector: vectors[0]!,
        k: 5,
        filter: { equals: { key: 'rare', value: true } },
      });
      expect(sorted(ids(hits))).toEqual(sorted(['s7', 's407', 's807', 's1207', 's1607']));
    });

    it('finds the filtered nearest neighbours when 10% of records pass', async () => {
      const dimension = 8;
      const vectors = randomVectors(3_000, dimension, 8);
      const index = await engine.createIndex('tenth', { dimension, metric: 'cosine' });
      await index.upsert(vectors.map((vector, i) => ({ id: `t${i}`, vector, metadata: { shard: i % 10 } })));
      let agreed = 0;
      for (const query of randomVectors(10, dimension, 77)) {
        const reference = vectors
          .map((vector, i) => ({
            id: `t${i}`,
            shard: i % 10,
            score: referenceScore('cosine', query, vector),
          }))
          .filter((row) => row.shard === 3)
          .sort((a, b) => b.score - a.score)
          .slice(0, 10);
        const hits = await index.queryVector({
          vector: query,
          k: 10,
          filter: { equals: { key: 'shard', value: 3 } },
        });
        expect(hits).toHaveLength(10);
        expect(hits.every((hit) => hit.metadata['shard'] === 3)).toBe(true);
        agreed += reference.filter((r) => ids(hits).includes(r.id)).length;
      }
      expect(agreed).toBeGreaterThanOrEqual(backend.approximate ? 90 : 100);
    });

    it('never returns deleted records, by any query type', async () => {
      const index = await engine.createIndex('deletes', { dimension: 16, metric: 'cosine' });
      const vectors = randomVectors(100, 16, 3);
      await index.upsert(
        vectors.map((vector, i) => ({ id: `d${i}`, vector, text: `document ${i} shared words` })),
      );
      const deleted = Array.from({ length: 50 }, (_, i) => `d${i * 2}`);
      expect(await index.delete([...deleted, 'never-existed'])).toBe(50);
      expect(await index.delete(deleted)).toBe(0);
      expect(await index.count()).toBe(50);
      const gone = new Set(deleted);
      for (const query of vectors.slice(0, 10)) {
        const byVector = await index.queryVector({ vector: query, k: 60 });
        expect(byVector).toHaveLength(50);
        expect(byVector.some((hit) => gone.has(hit.id))).toBe(false);
      }
      const byText = await index.queryText({ text: 'shared words', k: 100 });
      expect(byText).toHaveLength(50);
      expect(byText.some((hit) => gone.has(hit.id))).toBe(false);
      const hybrid = await index.queryHybrid({
        vector: vectors[0]!,
        text: 'document 0',
        k: 100,
        candidates: 100,
      });
      expect(hybrid.some((hit) => gone.has(hit.id))).toBe(false);
    });

    describe('full text (BM25)', () => {
      it('ranks by term rarity, folds plurals, ignores case and stop words', async () => {
        const index = await engine.createIndex('text', { dimension: 2, metric: 'dot' });
        await index.upsert([
          { id: 't1', vector: [1, 0], text: 'The claim was filed after the flood.' },
          { id: 't2', vector: [1, 0], text: 'Claims adjusters review every claim.' },
          { id: 't3', vector: [1, 0], text: 'Hailstorm damage to the roof' },
          { id: 't4', vector: [1, 0] },
        ]);
        expect(ids(await index.queryText({ text: 'FLOODS', k: 5 }))).toEqual(['t1']);
        expect(ids(await index.queryText({ text: 'claim', k: 5 }))).toEqual(['t2', 't1']);
        expect(await index.queryText({ text: 'the was after', k: 5 })).toEqual([]);
        const hits = await index.queryText({ text: 'roof claim', k: 1 });
        expect(ids(hits)).toEqual(['t3']);
        expect(hits[0]!.score).toBeGreaterThan(0);
        expect(hits[0]!.text).toBe('Hailstorm damage to the roof');
        await expect(index.queryText({ text: '  ', k: 5 })).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
      });
    });

    it('hybrid search is never worse than vector or full text alone on the labelled set', async () => {
      const index = await engine.createIndex('labelled', { dimension: CONCEPT_DIMENSION, metric: 'cosine' });
      await index.upsert(
        Object.entries(LABELLED_DOCS).map(([id, text]) => ({ id, text, vector: conceptVector(text) })),
      );
      const k = 2;
      const byVector: VectorHit[][] = [];
      const byText: VectorHit[][] = [];
      const hybrid: VectorHit[][] = [];
      for (const query of LABELLED_QUERIES) {
        const vector = conceptVector(query.text);
        byVector.push(await index.queryVector({ vector, k }));
        byText.push(await index.queryText({ text: query.text, k }));
        hybrid.push(await index.queryHybrid({ vector, text: query.text, k }));
      }
      const recalls = {
        vector: recallAtK(byVector, k),
        text: recallAtK(byText, k),
        hybrid: recallAtK(hybrid, k),
      };
      expect(recalls.hybrid).toBeGreaterThanOrEqual(recalls.vector);
      expect(recalls.hybrid).toBeGreaterThanOrEqual(recalls.text);
      // The set is built so that each alone misses something the other finds.
      expect(recalls.hybrid).toBeGreaterThan(Math.max(recalls.vector, recalls.text));
    });

    describe('persistence', () => {
      it('keeps records, replacements, deletes and text across reopen, with and without a checkpoint', async () => {
        const dimension = 16;
        const vectors = randomVectors(120, dimension, 21);
        let index = await engine.createIndex('durable', { dimension, metric: 'cosine' });
        await index.upsert(
          vectors
            .slice(0, 60)
            .map((vector, i) => ({ id: `p${i}`, vector, metadata: { half: 'first' }, text: `alpha ${i}` })),
        );
        await index.checkpoint();
        await index.upsert(
          vectors.slice(60).map((vector, i) => ({
            id: `p${i + 60}`,
            vector,
            metadata: { half: 'second' },
            text: `beta ${i}`,
          })),
        );
        await index.delete(['p0', 'p61']);
        await index.upsert([{ id: 'p1', vector: vectors[100]!, metadata: { half: 'moved' }, text: 'gamma' }]);
        const query = vectors[100]!;
        const before = await index.queryVector({ vector: query, k: 10 });

        index = await reopen('durable');
        expect(await index.count()).toBe(118);
        expect(await index.queryVector({ vector: query, k: 10 })).toEqual(before);
        expect(ids(await index.queryText({ text: 'gamma', k: 3 }))).toEqual(['p1']);
        const firstHalf = await index.queryVector({
          vector: query,
          k: 100,
          filter: { equals: { key: 'half', value: 'first' } },
        });
        expect(firstHalf).toHaveLength(58);

        // The reopened index takes writes, and they persist too (now from a snapshot plus a new log).
        await index.delete(['p2']);
        const afterDelete = await index.queryVector({ vector: query, k: 10 });
        expect(ids(afterDelete)).not.toContain('p2');
        index = await reopen('durable');
        expect(await index.count()).toBe(117);
        expect(await index.queryVector({ vector: query, k: 10 })).toEqual(afterDelete);
      });

      it('stays correct after most records are deleted and the index is compacted', async () => {
        const dimension = 8;
        const vectors = randomVectors(1_500, dimension, 31);
        let index = await engine.createIndex('churn', { dimension, metric: 'dot' });
        await index.upsert(vectors.map((vector, i) => ({ id: `c${i}`, vector, text: `word${i % 7} churn` })));
        await index.delete(Array.from({ length: 1_400 }, (_, i) => `c${i}`));
        await index.checkpoint(); // 1,400 dead slots against 100 live: rebuilt from the live records
        const survivors = vectors.slice(1_400);
        const query = vectors[1_450]!;
        const reference = survivors
          .map((vector, i) => ({ id: `c${i + 1_400}`, score: referenceScore('dot', query, vector) }))
          .sort((a, b) => b.score - a.score)
          .slice(0, 5)
          .map((r) => r.id);
        expect(ids(await index.queryVector({ vector: query, k: 5 }))).toEqual(reference);
        expect(await index.queryText({ text: 'churn', k: 200 })).toHaveLength(100);
        await index.upsert([{ id: 'c0', vector: query, text: 'reborn' }]);
        index = await reopen('churn');
        expect(await index.count()).toBe(101);
        expect(sorted(ids(await index.queryVector({ vector: query, k: 2 })))).toEqual(['c0', 'c1450']); // a tie
        expect(ids(await index.queryText({ text: 'reborn', k: 5 }))).toEqual(['c0']);
      });

      it.runIf(backend.logFile !== undefined)(
        'an upsert batch torn by a crash is absent after reopen, and the index stays writable',
        async () => {
          const index = await engine.createIndex('torn', { dimension: 4, metric: 'l2' });
          await index.upsert([{ id: 'kept', vector: [1, 2, 3, 4], text: 'kept' }]);
          const log = backend.logFile!(root, 'torn');
          const sizeBefore = statSync(log).size;
          await index.upsert(
            Array.from({ length: 50 }, (_, i) => ({
              id: `lost${i}`,
              vector: [i, 1, 1, 1],
              text: 'lost batch',
            })),
          );
          const sizeAfter = statSync(log).size;
          await engine.close(); // checkpoints: so re-create the torn state by hand below
          const cuts = [
            sizeBefore + 3,
            sizeBefore + 8,
            Math.floor((sizeBefore + sizeAfter) / 2),
            sizeAfter - 1,
          ];
          const torn = [...cuts.map((cut) => [cut, false] as const), [sizeAfter - 100, true] as const];
          for (const [cut, zeroFill] of torn) {
            rmSync(root, { recursive: true, force: true });
            engine = backend.make(root);
            const fresh = await engine.createIndex('torn', { dimension: 4, metric: 'l2' });
            await fresh.upsert([{ id: 'kept', vector: [1, 2, 3, 4], text: 'kept' }]);
            await fresh.upsert(
              Array.from({ length: 50 }, (_, i) => ({
                id: `lost${i}`,
                vector: [i, 1, 1, 1],
                text: 'lost batch',
              })),
            );
            // The files as a process that died now would leave them (copied while the index is open, before
            // any checkpoint); then this engine closes normally, so that no file handle is left to the GC.
            const crashImage = mkdtempSync(join(tmpdir(), 'lakegate-crash-'));
            cpSync(join(root, 'torn'), crashImage, { recursive: true });
            await engine.close();
            rmSync(join(root, 'torn'), { recursive: true, force: true });
            cpSync(crashImage, join(root, 'torn'), { recursive: true });
            rmSync(crashImage, { recursive: true, force: true });
            // The log ends inside the second frame, or (as after a power cut where the file's size reached
            // the disk but its data did not) ends in zeros.
            const logFile = backend.logFile!(root, 'torn');
            if (zeroFill) {
              const fd = openSync(logFile, 'r+');
              writeSync(fd, Buffer.alloc(sizeAfter - cut), 0, sizeAfter - cut, cut);
              closeSync(fd);
            } else truncateSync(logFile, cut);
            engine = backend.make(root);
            const reopened = await engine.openIndex('torn');
            expect(await reopened.count()).toBe(1);
            expect(await reopened.queryText({ text: 'lost batch', k: 5 })).toEqual([]);
            await reopened.upsert([{ id: 'after', vector: [0, 0, 0, 1] }]);
            const again = await reopen('torn');
            expect(sorted(ids(await again.queryVector({ vector: [0, 0, 0, 0], k: 10 })))).toEqual([
              'after',
              'kept',
            ]);
          }
        },
      );
    });
  });
}

/** The write-ahead log of the embedded backend's index, whatever its generation. */
export function embeddedLogFile(root: string, indexId: string): string {
  const dir = join(root, indexId);
  const log = readdirSync(dir).find((name) => /^wal-\d+\.log$/.test(name));
  if (log === undefined) throw new Error(`no write-ahead log in ${dir}`);
  return join(dir, log);
}

export { seeded };
