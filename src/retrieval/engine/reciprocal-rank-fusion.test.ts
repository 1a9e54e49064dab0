import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom as random } from '../../core/index.js';
import { createEmbeddedVectorEngine } from './embedded-vector-engine.js';
import {
  DEFAULT_HYBRID_FUSION,
  fuseVectorAndText,
  textLeadBound,
  weightedReciprocalRankFusion,
} from './reciprocal-rank-fusion.js';
import { validateFusion } from './validate-input.js';
import type { VectorEngine, VectorIndex } from './vector-engine.js';

const items = (fused: Array<{ item: string }>) => fused.map(({ item }) => item);

/** `length` distinct ids drawn from a pool of `pool`, in random order. */
function randomRanking(next: () => number, pool: number, length: number): string[] {
  const ids = Array.from({ length: pool }, (_, i) => `d${i}`);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, length);
}

describe('weightedReciprocalRankFusion', () => {
  it('scores each item Σ weight / (k + rank) over the rankings that hold it', () => {
    const fused = weightedReciprocalRankFusion(
      [
        { items: ['a', 'b', 'c'], weight: 0.25 },
        { items: ['c', 'a'], weight: 0.75 },
      ],
      2,
    );
    expect(fused).toEqual([
      { item: 'c', score: 0.25 / 5 + 0.75 / 3 },
      { item: 'a', score: 0.25 / 3 + 0.75 / 4 },
      { item: 'b', score: 0.25 / 4 },
    ]);
  });

  it('with equal weights ranks exactly as classic RRF does', () => {
    const next = random(1);
    for (let round = 0; round < 50; round++) {
      const first = randomRanking(next, 30, 20);
      const second = randomRanking(next, 30, 20);
      const weighted = weightedReciprocalRankFusion(
        [
          { items: first, weight: 0.5 },
          { items: second, weight: 0.5 },
        ],
        60,
      );
      const classic = new Map<string, number>();
      for (const ranking of [first, second])
        for (const [i, id] of ranking.entries()) classic.set(id, (classic.get(id) ?? 0) + 1 / (60 + i + 1));
      for (const { item, score } of weighted) expect(score).toBeCloseTo(classic.get(item)! / 2, 12);
      expect(items(weighted)).toHaveLength(classic.size);
    }
  });

  it('breaks ties by the order items were first seen, so equal scores rank the same every time', () => {
    const fused = weightedReciprocalRankFusion(
      [
        { items: ['x', 'y'], weight: 1 },
        { items: ['y', 'x'], weight: 1 },
      ],
      60,
    );
    expect(fused[0]!.score).toBe(fused[1]!.score);
    expect(items(fused)).toEqual(['x', 'y']);
  });

  it('leaves a ranking of weight 0 out altogether: no score and no candidates', () => {
    const fused = weightedReciprocalRankFusion(
      [
        { items: ['v1', 'shared'], weight: 0 },
        { items: ['shared', 't2'], weight: 1 },
      ],
      2,
    );
    expect(items(fused)).toEqual(['shared', 't2']);
  });
});

describe('fuseVectorAndText', () => {
  it('returns the full-text ranking at vectorWeight 0 and the vector ranking at 1', () => {
    const byVector = ['v1', 'both', 'v3'];
    const byText = ['t1', 'both', 't3'];
    expect(items(fuseVectorAndText(byVector, byText, { rrfK: 2, vectorWeight: 0 }))).toEqual(byText);
    expect(items(fuseVectorAndText(byVector, byText, { rrfK: 2, vectorWeight: 1 }))).toEqual(byVector);
  });

  it("keeps full text's first hit first whenever the vector weight is below textLeadBound", () => {
    const next = random(7);
    for (const rrfK of [0, 1, 2, 5, 60]) {
      const weight = textLeadBound(rrfK) * 0.999;
      for (let round = 0; round < 200; round++) {
        const byVector = randomRanking(next, 40, 1 + Math.floor(next() * 40));
        const byText = randomRanking(next, 40, 1 + Math.floor(next() * 40));
        const fused = fuseVectorAndText(byVector, byText, { rrfK, vectorWeight: weight });
        expect(fused[0]!.item).toBe(byText[0]);
      }
    }
  });

  it('lets the vector side unseat that hit just above the bound (the bound is tight)', () => {
    // Worst case: the vector's first is full text's second; full text's first is absent from the vector list.
    for (const rrfK of [0, 2, 60]) {
      const fusion = { rrfK, vectorWeight: textLeadBound(rrfK) * 1.01 };
      expect(items(fuseVectorAndText(['t2'], ['t1', 't2'], fusion))[0]).toBe('t2');
    }
  });

  it('lets the vector side reorder the tail and fill in where full text runs out (default fusion)', () => {
    const byText = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9', 't10'];
    // The vector's favourite is full text's 10th and its second is a chunk full text did not match at all.
    const fused = items(fuseVectorAndText(['t10', 'v-only'], byText, DEFAULT_HYBRID_FUSION));
    expect(fused.slice(0, 4)).toEqual(['t1', 't2', 't3', 't4']);
    expect(fused.indexOf('t10')).toBeLessThan(9);
    expect(fused).toContain('v-only');
    // Full text running out: a vector-only hit still comes back after the full-text ones.
    expect(items(fuseVectorAndText(['v1', 'v2'], ['t1'], DEFAULT_HYBRID_FUSION))).toEqual(['t1', 'v1', 'v2']);
  });

  it('has a default vector weight safely (half) inside the bound for its rrfK', () => {
    const bound = textLeadBound(DEFAULT_HYBRID_FUSION.rrfK);
    expect(DEFAULT_HYBRID_FUSION.vectorWeight).toBeGreaterThan(0);
    expect(DEFAULT_HYBRID_FUSION.vectorWeight).toBeLessThanOrEqual(bound / 2);
  });
});

describe('validateFusion', () => {
  it('fills in the defaults and keeps what the caller gave', () => {
    expect(validateFusion({})).toEqual(DEFAULT_HYBRID_FUSION);
    expect(validateFusion({ rrfK: 60, vectorWeight: 0.5 })).toEqual({ rrfK: 60, vectorWeight: 0.5 });
    expect(validateFusion({ rrfK: 0, vectorWeight: 0 })).toEqual({ rrfK: 0, vectorWeight: 0 });
    expect(validateFusion({ vectorWeight: 1 })).toEqual({
      rrfK: DEFAULT_HYBRID_FUSION.rrfK,
      vectorWeight: 1,
    });
  });

  it.each([
    { rrfK: -1 },
    { rrfK: Number.NaN },
    { rrfK: Number.POSITIVE_INFINITY },
    { vectorWeight: -0.1 },
    { vectorWeight: 1.5 },
    { vectorWeight: Number.NaN },
    { vectorWeight: '0.5' as unknown as number },
  ])('refuses %o with VALIDATION_FAILED', (query) => {
    expect(() => validateFusion(query)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('the fusion knobs through an embedded index', () => {
  let root: string;
  let engine: VectorEngine;
  let index: VectorIndex;
  // Vector and full text disagree: the vector prefers r3, r2, r4, r1, the text (BM25 on "flood") r1 then r2.
  const records = [
    { id: 'r1', vector: [1, 0, 0], text: 'flood flood in the basement' },
    { id: 'r2', vector: [0.6, 0.8, 0], text: 'a flood claim for the kitchen' },
    { id: 'r3', vector: [0, 1, 0], text: 'a stolen bicycle from the garage' },
    { id: 'r4', vector: [0.8, 0.6, 0], text: 'hail on the garden shed' },
  ];
  const query = { vector: [0, 1, 0.1], text: 'flood', k: 4 };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'lakegate-fusion-'));
    engine = createEmbeddedVectorEngine({ root });
    index = await engine.createIndex('fusion', { dimension: 3, metric: 'cosine' });
    await index.upsert(records);
  });
  afterAll(async () => {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('ranks as full text at vectorWeight 0, as the vector at 1, full text leading by default', async () => {
    const ids = (hits: Array<{ id: string }>) => hits.map((hit) => hit.id);
    const byText = ids(await index.queryText({ text: query.text, k: 4 }));
    const byVector = ids(await index.queryVector({ vector: query.vector, k: 4 }));
    expect(byText).toEqual(['r1', 'r2']);
    expect(byVector).toEqual(['r3', 'r2', 'r4', 'r1']);
    expect(ids(await index.queryHybrid({ ...query, vectorWeight: 0 }))).toEqual(byText);
    expect(ids(await index.queryHybrid({ ...query, vectorWeight: 1 }))).toEqual(byVector);
    // Full text's two hits first, then the vector's own finds in its order.
    expect(ids(await index.queryHybrid(query))).toEqual(['r1', 'r2', 'r3', 'r4']);
    // Classic equal-weight RRF: r2 (2nd on both lists) overtakes full text's first hit r1 (vector's 4th).
    expect(ids(await index.queryHybrid({ ...query, vectorWeight: 0.5, rrfK: 60 }))).toEqual([
      'r2',
      'r1',
      'r3',
      'r4',
    ]);
  });

  it('refuses a vectorWeight outside [0, 1] with VALIDATION_FAILED', async () => {
    await expect(index.queryHybrid({ ...query, vectorWeight: 2 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
