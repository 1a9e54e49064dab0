// `lakegate usage --by principal|endpoint|model|provider|day --since 7d`: usage and cost from the running
// server (GET /api/2.0/lakegate/usage) as a table with a horizontal bar per row, so the biggest spender
// stands out at a glance. Bars measure cost, or requests when nothing in the window had a price.

import { USAGE_DIMENSIONS } from '../observability/index.js';
import { usageError } from './cli-error.js';
import { type CliRuntime, COMMON_OPTIONS_HELP, parseCommand, positionalsOf } from './command-context.js';
import { renderTable } from './format-table.js';

export const USAGE_API = '/api/2.0/lakegate/usage';
const TIME = /^(\d{1,6}[mhdw]|\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/i;
const BAR_WIDTH = 24;
/** Eighths of a block, so a bar's length is drawn to 1/8 of a character. */
const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

export const USAGE_USAGE = `Usage: lakegate usage [--by principal|endpoint|model|provider|day] [--since <7d|ISO>]
                      [--until <1h|ISO>] [--principal <name>] [options]

  Requests, tokens and cost over a time window, grouped by one dimension (default: principal, the
  last 7 days), drawn as a table with a bar per row. A metastore admin sees everyone's usage (or one
  principal's with --principal); anyone else sees their own. Durations count back from now.

${COMMON_OPTIONS_HELP}`;

/** One row of the report as the server sends it. */
export interface UsageWireRow {
  key: string;
  label: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  unpriced_requests: number;
  avg_latency_ms: number;
}

export interface UsageWireReport {
  by: string;
  since: string;
  until: string;
  scope: string;
  rows: UsageWireRow[];
  totals: { requests: number; cost_usd: number; input_tokens: number; output_tokens: number };
}

/** A bar `value / max` of `width` characters long, in eighths. */
export function bar(value: number, max: number, width = BAR_WIDTH): string {
  if (!(max > 0) || !(value > 0)) return '';
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + PARTIAL[eighths % 8];
}

/** 1234567 → 1.2M, for token columns. */
export function compact(n: number): string {
  if (n < 1_000) return String(n);
  const [value, unit] = n < 1e6 ? [n / 1e3, 'k'] : n < 1e9 ? [n / 1e6, 'M'] : [n / 1e9, 'G'];
  return `${value < 10 ? value.toFixed(1) : Math.round(value)}${unit}`;
}

export function usd(n: number): string {
  if (n === 0) return '$0';
  return n < 0.01 ? `$${n.toFixed(6)}` : `$${n.toFixed(2)}`;
}

export function renderUsage(report: UsageWireReport, color = false): string {
  if (report.rows.length === 0) return `No model calls between ${report.since} and ${report.until}.`;
  const byCost = report.rows.some((r) => r.cost_usd > 0);
  const measure = (r: UsageWireRow) => (byCost ? r.cost_usd : r.requests);
  const max = Math.max(...report.rows.map(measure));
  const rows = report.rows.map((r) => [
    r.label || '-',
    String(r.requests),
    String(r.errors),
    compact(r.input_tokens + r.cache_read_tokens + r.cache_write_tokens),
    compact(r.output_tokens),
    r.unpriced_requests > 0 ? `${usd(r.cost_usd)}*` : usd(r.cost_usd),
    bar(measure(r), max),
  ]);
  const table = renderTable(
    [
      report.by.toUpperCase(),
      'REQUESTS',
      'ERRORS',
      'IN TOKENS',
      'OUT TOKENS',
      'COST',
      byCost ? 'SHARE OF COST' : 'SHARE OF REQUESTS',
    ],
    rows,
    { maxCell: 48, color },
  );
  const lines = [
    table,
    '',
    `${report.totals.requests} requests, ${usd(report.totals.cost_usd)} from ${report.since} to ${report.until}` +
      (report.scope === 'own' ? ' (your own usage)' : ''),
  ];
  if (report.rows.some((r) => r.unpriced_requests > 0)) {
    lines.push('* some calls used models without a price: their cost is not included (see docs/usage.md).');
  }
  return lines.join('\n');
}

export async function usageCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const { values, positionals, ctx } = parseCommand(
    runtime,
    args,
    {
      by: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      principal: { type: 'string' },
    },
    USAGE_USAGE,
  );
  if (!ctx) return 0;
  positionalsOf(positionals, [], USAGE_USAGE);
  const by = values.by ?? 'principal';
  if (!(USAGE_DIMENSIONS as readonly string[]).includes(by))
    throw usageError(`--by must be one of ${USAGE_DIMENSIONS.join(', ')}, not "${by}"`, USAGE_USAGE);
  for (const [flag, value] of [
    ['--since', values.since],
    ['--until', values.until],
  ] as const) {
    if (value !== undefined && !TIME.test(value.trim())) {
      throw usageError(
        `${flag} "${value}" is neither a duration (30m, 12h, 7d, 2w) nor an ISO time`,
        USAGE_USAGE,
      );
    }
  }
  // Durations go to the server as they are: "the last 7 days" is counted on the server's clock.
  const report = await ctx.client.get<UsageWireReport>(USAGE_API, {
    by,
    since: values.since ?? '7d',
    until: values.until,
    principal: values.principal,
  });
  ctx.emit(report, () => renderUsage(report, ctx.color));
  return 0;
}
