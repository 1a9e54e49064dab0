// The engine's table of open indexes under concurrent create / open / drop of one id.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedVectorEngine } from './embedded-vector-engine.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});
function engineInTemp() {
  const root = mkdtempSync(join(tmpdir(), 'lakegate-engine-'));
  roots.push(root);
  return createEmbeddedVectorEngine({ root });
}

describe('embedded engine: one instance per index', () => {
  it('lets exactly one of several concurrent creates of the same id succeed', async () => {
    const engine = engineInTemp();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => engine.createIndex('same', { dimension: 2, metric: 'cosine' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ALREADY_EXISTS' });
    await engine.close();
  });

  it('keeps the created instance when an open of the not-yet-existing id fails meanwhile', async () => {
    const engine = engineInTemp();
    const opening = engine.openIndex('racing');
    const creating = engine.createIndex('racing', { dimension: 2, metric: 'cosine' });
    await expect(opening).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The create waits for the open in flight, then creates; later opens return that one instance.
    const index = await creating;
    await index.upsert([{ id: 'a', vector: [1, 0] }]);
    const again = await engine.openIndex('racing');
    expect(again).toBe(index);
    expect(await again.count()).toBe(1);
    await engine.close();
  });
});
