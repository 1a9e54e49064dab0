// The layer rule of ARCHITECTURE.md, enforced on every run: a module may import its own layer or the
// layers below it, and code outside a folder imports that folder's index.ts, not its insides.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const RANK: Record<string, number> = {
  core: 0,
  store: 1,
  catalog: 2,
  observability: 2,
  guardrails: 3,
  models: 3,
  gateway: 4,
  retrieval: 4,
  data: 4,
  agents: 5,
  evaluation: 5,
  batch: 5,
  api: 6,
  cli: 6,
};

const src = resolve(import.meta.dirname, '../src');

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    // Tests and their support files (kept out of the build) may use the cross-layer test harness.
    else if (/\.ts$/.test(name) && !/\.test\.ts$/.test(name) && name !== 'test-support.ts') yield path;
  }
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
}

const layerOf = (file: string) => relative(src, file).split(sep)[0]!;

describe('architecture', () => {
  const files = [...sourceFiles(src)];

  it('has only the layers of ARCHITECTURE.md', () => {
    const layers = new Set(files.map(layerOf));
    expect([...layers].filter((l) => !(l in RANK))).toEqual([]);
  });

  it('imports only downward or within a layer', () => {
    const upward: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(file)) {
        const from = layerOf(file);
        const to = layerOf(resolve(dirname(file), spec));
        if (from !== to && (RANK[to] ?? -1) > (RANK[from] ?? -1))
          upward.push(`${relative(src, file)} -> ${spec}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('reaches into another layer only through its index.ts', () => {
    const bypasses: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(file)) {
        const target = resolve(dirname(file), spec);
        if (layerOf(file) === layerOf(target)) continue;
        if (!/[/\\]index\.js$/.test(target) || dirname(target) !== join(src, layerOf(target))) {
          bypasses.push(`${relative(src, file)} -> ${spec}`);
        }
      }
    }
    expect(bypasses).toEqual([]);
  });
});
