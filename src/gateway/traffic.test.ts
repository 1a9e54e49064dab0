import { describe, expect, it } from 'vitest';
import { seededRandom as seeded } from '../core/index.js';
import { pickByTraffic, type TrafficShare } from './traffic.js';

const JUST_BELOW_ONE = 1 - Number.EPSILON;

const pick = (served: TrafficShare[], draw: number) => pickByTraffic(served, () => draw).model;

describe('pickByTraffic', () => {
  const ab: TrafficShare[] = [
    { model: 'anthropic/claude-sonnet-4-5', traffic: 90 },
    { model: 'openai/gpt-4.1', traffic: 10 },
  ];

  it('maps the draw onto the shares, boundaries belonging to the next model', () => {
    expect(pick(ab, 0)).toBe('anthropic/claude-sonnet-4-5');
    expect(pick(ab, 0.8999)).toBe('anthropic/claude-sonnet-4-5');
    expect(pick(ab, 0.9)).toBe('openai/gpt-4.1');
    expect(pick(ab, JUST_BELOW_ONE)).toBe('openai/gpt-4.1');
  });

  it('walks three shares in order', () => {
    const three = [
      { model: 'a/x', traffic: 50 },
      { model: 'b/x', traffic: 30 },
      { model: 'c/x', traffic: 20 },
    ];
    expect([0, 0.4999, 0.5, 0.7999, 0.8, JUST_BELOW_ONE].map((d) => pick(three, d))).toEqual([
      'a/x',
      'a/x',
      'b/x',
      'b/x',
      'c/x',
      'c/x',
    ]);
  });

  it('never picks a model with a zero share, at either end of the range', () => {
    const drained = [
      { model: 'old/x', traffic: 0 },
      { model: 'new/x', traffic: 100 },
      { model: 'off/x', traffic: 0 },
    ];
    for (const draw of [0, 0.5, JUST_BELOW_ONE]) expect(pick(drained, draw)).toBe('new/x');
  });

  it('a draw of exactly 1 (outside the contract) still lands on the last model with a share', () => {
    const lastDrained = [
      { model: 'a/x', traffic: 60 },
      { model: 'b/x', traffic: 40 },
      { model: 'c/x', traffic: 0 },
    ];
    expect(pick(lastDrained, 1)).toBe('b/x');
  });

  it('models without shares split evenly', () => {
    const even = [{ model: 'a/x' }, { model: 'b/x' }, { model: 'c/x' }];
    expect([0, 0.33, 0.34, 0.66, 0.67, JUST_BELOW_ONE].map((d) => pick(even, d))).toEqual([
      'a/x',
      'a/x',
      'b/x',
      'b/x',
      'c/x',
      'c/x',
    ]);
  });

  it('a single served model is always picked, and no served model is an error', () => {
    expect(pick([{ model: 'local/extractive' }], JUST_BELOW_ONE)).toBe('local/extractive');
    expect(() => pickByTraffic([], () => 0)).toThrow(/at least one/);
  });

  it('returns the served entry itself, with its other fields', () => {
    const served = [{ model: 'a/x', traffic: 100, note: 'primary' }];
    expect(pickByTraffic(served, () => 0.3)).toBe(served[0]);
  });

  it('over 2,000 seeded draws the picks follow the shares', () => {
    const shares = [
      { model: 'a/x', traffic: 70 },
      { model: 'b/x', traffic: 20 },
      { model: 'c/x', traffic: 10 },
    ];
    const random = seeded(20_240_901);
    const counts = new Map<string, number>();
    const draws = 2_000;
    for (let i = 0; i < draws; i++) {
      const model = pickByTraffic(shares, random).model;
      counts.set(model, (counts.get(model) ?? 0) + 1);
    }
    // Five standard deviations either way (sd = sqrt(n p (1-p)), at most ~20 here).
    for (const { model, traffic } of shares) {
      const p = traffic / 100;
      const tolerance = 5 * Math.sqrt(draws * p * (1 - p));
      expect(Math.abs((counts.get(model) ?? 0) - draws * p)).toBeLessThan(tolerance);
    }
  });

  it('the seeded generator itself is uniform enough to trust the check above', () => {
    const random = seeded(7);
    const draws = Array.from({ length: 2_000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const buckets = new Array<number>(10).fill(0);
    for (const draw of draws) buckets[Math.floor(draw * 10)]!++;
    // 200 expected per bucket; 120 is far below any plausible deviation of a uniform generator.
    expect(Math.min(...buckets)).toBeGreaterThan(120);
  });
});
