// Turns measured scenarios into the one table the benchmark prints, and checks the targets.

import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';

export const TARGETS = {
  reqPerSec16: 5_000,
  cpuUsPerRequest: 200,
  addedP50Ms1: 0.3,
  peakRssMb: 150,
  /** With keys, limits, usage logging and the cache on (issue 6), judged on the cache-miss row. */
  governedReqPerSec16: 3_500,
  governedCpuUsPerRequest: 300,
};

const COLUMNS = [
  { title: 'scenario', value: (row) => row.scenario, align: 'left' },
  { title: 'clients', value: (row) => String(row.clients) },
  { title: 'load', value: (row) => row.loader ?? 'node', align: 'left' },
  { title: 'req/s', value: (row) => fixed(0)(row.reqPerSec) },
  { title: 'p50 ms', value: (row) => fixed(3)(row.p50Ms) },
  { title: 'p99 ms', value: (row) => fixed(3)(row.p99Ms) },
  { title: 'added p50 ms', value: (row) => fixed(3)(row.addedP50Ms) },
  { title: 'added p99 ms', value: (row) => fixed(3)(row.addedP99Ms) },
  { title: 'CPU µs/req', value: (row) => fixed(0)(row.cpuUsPerRequest) },
  { title: 'peak RSS MB', value: (row) => fixed(1)(row.peakRssMb) },
  {
    title: 'children RSS MB',
    value: (row) => (row.peakChildrenRssMb > 0 ? fixed(1)(row.peakChildrenRssMb) : '—'),
  },
  { title: 'errors', value: (row) => String(row.errors) },
];

export function formatTable(rows) {
  return formatMarkdownTable(COLUMNS, rows);
}

function find(rows, scenario, clients) {
  return rows.find((row) => row.scenario === scenario && row.clients === clients);
}

/** Each target of the issue with the measured value it is judged on. */
export function checkTargets(rows) {
  const chat16 = find(rows, 'lakegate chat', 16);
  const chat1 = find(rows, 'lakegate chat', 1);
  const gatewayRows = rows.filter((row) => row.via === 'lakegate');
  const peakRss = Math.max(...gatewayRows.map((row) => row.peakRssMb));
  const peakChildrenRss = Math.max(...gatewayRows.map((row) => row.peakChildrenRssMb));
  const worstCpu = gatewayRows.reduce(
    (worst, row) => (row.cpuUsPerRequest > (worst?.cpuUsPerRequest ?? -1) ? row : worst),
    undefined,
  );
  const results = [
    {
      target: `>= ${TARGETS.reqPerSec16} req/s (lakegate chat, 16 clients, non-streaming)`,
      measured: `${fixed(0)(chat16?.reqPerSec)} req/s`,
      met: (chat16?.reqPerSec ?? 0) >= TARGETS.reqPerSec16,
    },
    {
      target: `<= ${TARGETS.cpuUsPerRequest} µs CPU/request (lakegate chat, 16 clients)`,
      measured: `${fixed(0)(chat16?.cpuUsPerRequest)} µs (worst row: ${worstCpu?.scenario}, ${worstCpu?.clients} clients, ${fixed(0)(worstCpu?.cpuUsPerRequest)} µs)`,
      met: (chat16?.cpuUsPerRequest ?? Number.POSITIVE_INFINITY) <= TARGETS.cpuUsPerRequest,
    },
    {
      target: `p50 added latency <= ${TARGETS.addedP50Ms1} ms (lakegate chat, 1 client)`,
      measured: `${fixed(3)(chat1?.addedP50Ms)} ms`,
      met: (chat1?.addedP50Ms ?? Number.POSITIVE_INFINITY) <= TARGETS.addedP50Ms1,
    },
    {
      target: `RSS <= ${TARGETS.peakRssMb} MB under load (peak over all lakegate rows)`,
      measured: `${fixed(1)(peakRss)} MB (its usage-store process beside it: ${fixed(1)(peakChildrenRss)} MB)`,
      met: peakRss <= TARGETS.peakRssMb,
    },
  ];
  const governed16 = find(rows, 'governed chat cache-miss', 16);
  if (governed16) {
    results.push(
      {
        target: `>= ${TARGETS.governedReqPerSec16} req/s (governed chat cache-miss, 16 clients)`,
        measured: `${fixed(0)(governed16.reqPerSec)} req/s`,
        met: governed16.reqPerSec >= TARGETS.governedReqPerSec16,
      },
      {
        target: `<= ${TARGETS.governedCpuUsPerRequest} µs CPU/request (governed chat cache-miss, 16 clients)`,
        measured: `${fixed(0)(governed16.cpuUsPerRequest)} µs`,
        met: governed16.cpuUsPerRequest <= TARGETS.governedCpuUsPerRequest,
      },
    );
  }
  return results;
}

export function formatTargets(results) {
  const width = Math.max(...results.map((r) => r.target.length));
  return results
    .map((r) => `  ${r.met ? 'met    ' : 'NOT MET'}  ${r.target.padEnd(width)}  measured ${r.measured}`)
    .join('\n');
}
