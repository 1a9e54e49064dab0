// The timed loop: `clients` concurrent callers, each awaiting one operation after another until the
// deadline. Every operation is timed on its own; the process's CPU time and the queries it sent are
// read around the whole window. In-process: the caller and the code under test share one event loop,
// which is how every surface calls the authoriser.

import { summarize } from '../gateway/stats.mjs';

/**
 * `op(n)` performs operation number n and resolves to true (allowed), false (refused) or undefined
 * (not a decision). `queries` is a counter the store's query plugin increments.
 */
export async function timedRun({ seconds, clients, op, queries }) {
  const latencies = [];
  let allowed = 0;
  let decided = 0;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const queriesBefore = queries.count;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const n = next++;
      const t0 = performance.now();
      const result = await op(n);
      latencies.push(performance.now() - t0);
      if (result !== undefined) {
        decided++;
        if (result) allowed++;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ops: latencies.length,
    elapsedMs,
    latency: summarize(latencies),
    cpuUsPerOp: (cpu.user + cpu.system) / latencies.length,
    queriesPerOp: (queries.count - queriesBefore) / latencies.length,
    allowedShare: decided > 0 ? allowed / decided : Number.NaN,
  };
}

/**
 * Steps that are each timed on their own but must run in order (revoke, then the first decision after
 * it, then an untimed restore): `step(n)` returns `{ [phase]: { ms, allowed?, queries } }`.
 */
export async function phasedRun({ seconds, step }) {
  const phases = new Map();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let n = 0;
  while (performance.now() < deadline) {
    const timings = await step(n++);
    for (const [phase, t] of Object.entries(timings)) {
      const entry = phases.get(phase) ?? { latencies: [], allowed: 0, decided: 0, queries: 0 };
      entry.latencies.push(t.ms);
      entry.queries += t.queries;
      if (t.allowed !== undefined) {
        entry.decided++;
        if (t.allowed) entry.allowed++;
      }
      phases.set(phase, entry);
    }
  }
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const result = {};
  for (const [phase, entry] of phases) {
    result[phase] = {
      ops: entry.latencies.length,
      elapsedMs,
      latency: summarize(entry.latencies),
      // CPU is only known for the whole step; it is shared out in the report, not per phase.
      cpuUsPerOp: Number.NaN,
      queriesPerOp: entry.queries / entry.latencies.length,
      allowedShare: entry.decided > 0 ? entry.allowed / entry.decided : Number.NaN,
    };
  }
  return { phases: result, steps: n, cpuUsPerStep: (cpu.user + cpu.system) / Math.max(1, n) };
}

/** A Kysely plugin that counts the queries sent through it (transactions included). */
export function queryCounter() {
  const counter = { count: 0 };
  counter.plugin = {
    transformQuery(args) {
      counter.count++;
      return args.node;
    },
    transformResult(args) {
      return Promise.resolve(args.result);
    },
  };
  return counter;
}
