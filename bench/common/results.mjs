// Where a bench's results go: one JSON file per run in bench/results/, named by the bench and the time it
// started, opening with what the numbers depend on (commit, node, machine, load).

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const resultsDir = join(repoRoot, 'bench', 'results');

/** The start time as it appears in file names: 2026-11-26T06-04-06-043Z. */
export function stampOf(startedAt) {
  return startedAt.toISOString().replace(/[:.]/g, '-');
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** The fields every results file opens with; the bench adds its settings and rows after them. */
export function runRecord(benchmark, startedAt, loadAverageBefore) {
  return {
    benchmark,
    startedAt: startedAt.toISOString(),
    commit: gitCommit(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadAverageBefore,
    loadAverageAfter: loadavg()[0],
  };
}

/** Writes a record made with runRecord to bench/results/<benchmark>-<stamp>.json; returns the file. */
export function writeResults(record) {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${record.benchmark}-${stampOf(new Date(record.startedAt))}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}
