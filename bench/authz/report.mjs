// The one table the authorisation bench prints: a row per engine x scenario x concurrency, each set
// against its engine's floor (one grants row read by primary key through Kysely) at the same concurrency.

import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';

const percent = (value) => (Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '—');

const COLUMNS = [
  { title: 'engine', value: (row) => row.engine, align: 'left' },
  { title: 'scenario', value: (row) => row.scenario, align: 'left' },
  { title: 'clients', value: (row) => String(row.clients) },
  { title: 'ops/s', value: (row) => fixed(0)(row.opsPerSec) },
  { title: 'p50 µs', value: (row) => fixed(1)(row.p50Us) },
  { title: 'p99 µs', value: (row) => fixed(1)(row.p99Us) },
  { title: 'p50 x floor', value: (row) => fixed(2)(row.p50VsFloor) },
  { title: 'queries/op', value: (row) => fixed(2)(row.queriesPerOp) },
  { title: 'CPU µs/op', value: (row) => fixed(1)(row.cpuUsPerOp) },
  { title: 'allowed', value: (row) => percent(row.allowedShare) },
  { title: 'n', value: (row) => String(row.ops) },
];

/** Sets `p50VsFloor` on every row: its p50 over the p50 of the floor row of its engine and concurrency. */
export function compareToFloor(rows) {
  for (const row of rows) {
    const floor = rows.find(
      (r) => r.kind === 'floor' && r.engine === row.engine && r.clients === row.clients,
    );
    row.p50VsFloor = floor ? row.p50Us / floor.p50Us : Number.NaN;
  }
  return rows;
}

export function formatTable(rows) {
  return formatMarkdownTable(COLUMNS, rows);
}
