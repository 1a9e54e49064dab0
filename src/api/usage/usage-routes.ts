// Usage reports and Prometheus metrics. A metastore admin reads everyone's usage (or one principal's);
// anyone else reads only their own, whatever they ask for. /metrics is for admins only: the numbers
// name every endpoint and model and how busy each is, and a reverse proxy makes every caller look like
// loopback, so "public on loopback" would not stay private. Prometheus scrapes it with an admin key as a
// bearer token.

import type { Actor } from '../../catalog/index.js';
import type { UsageMeter } from '../../gateway/index.js';
import type { UsageReportRow, UsageStorage } from '../../observability/index.js';
import type { Route } from '../http/route.js';
import { AdminGuard } from '../lakegate-admin/admin-guard.js';
import type { ApiServices } from '../services.js';
import { actorOf, jsonRoute, principalByName, ucSurface } from '../unity-catalog/index.js';
import { parseUsageQuery } from './usage-query.js';

/** Where reports are served; the 2.1 path sits beside the other Lakegate admin routes. */
export const USAGE_PATHS = ['/api/2.0/lakegate/usage', '/api/2.1/lakegate/usage'] as const;
export const METRICS_PATH = '/metrics';
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

function rowToWire(row: UsageReportRow) {
  return {
    key: row.key,
    label: row.label,
    requests: row.requests,
    errors: row.errors,
    cancelled: row.cancelled,
    cache_hits: row.cacheHits,
    unpriced_requests: row.unpriced,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cache_read_tokens: row.cacheReadTokens,
    cache_write_tokens: row.cacheWriteTokens,
    cost_usd: row.costUsd,
    avg_latency_ms: Math.round(row.avgLatencyMs),
  };
}

export interface UsageRouteDeps {
  store: UsageStorage;
  meter: UsageMeter;
}

export function usageRoutes(services: ApiServices, deps: UsageRouteDeps): Route[] {
  const guard = new AdminGuard(services);

  /** Whose usage the caller may see: everyone's (admin, no principal named), one principal's, or its own. */
  async function scopeOf(actor: Actor, principal: string | undefined): Promise<string | undefined> {
    if (principal === undefined) return actor.isAdmin ? undefined : actor.principalId;
    guard.requireAdminOrSelf(actor, principal, 'usage.query');
    if (!actor.isAdmin) return actor.principalId;
    return (await principalByName(services.catalog.identity, principal)).id;
  }

  const report = async (ctx: Parameters<Route['handle']>[0], actor: Actor) => {
    const query = parseUsageQuery(ctx.query);
    const principalId = await scopeOf(actor, query.principal);
    const rows = await deps.store.report({
      by: query.by,
      since: query.since,
      until: query.until,
      ...(principalId !== undefined ? { principalId } : {}),
    });
    guard.allow(actor, 'usage.query', {
      by: query.by,
      ...(query.principal ? { principal: query.principal } : {}),
    });
    const wire = rows.map(rowToWire);
    const total = (pick: (r: UsageReportRow) => number) => rows.reduce((sum, r) => sum + pick(r), 0);
    return {
      by: query.by,
      since: new Date(query.since).toISOString(),
      until: new Date(query.until).toISOString(),
      scope: principalId === undefined ? 'all' : principalId === actor.principalId ? 'own' : 'principal',
      rows: wire,
      totals: {
        requests: total((r) => r.requests),
        errors: total((r) => r.errors),
        input_tokens: total((r) => r.inputTokens),
        output_tokens: total((r) => r.outputTokens),
        cache_read_tokens: total((r) => r.cacheReadTokens),
        cache_write_tokens: total((r) => r.cacheWriteTokens),
        cost_usd: total((r) => r.costUsd),
      },
    };
  };

  return [
    ...USAGE_PATHS.map((path) => jsonRoute('GET', path, report)),
    {
      method: 'GET',
      path: METRICS_PATH,
      surface: ucSurface,
      handle(ctx) {
        guard.requireAdmin(actorOf(ctx), 'metrics.read');
        const body = deps.meter.metrics.render(deps.store.stats());
        ctx.res.statusCode = 200;
        ctx.res.setHeader('content-type', PROMETHEUS_TEXT);
        ctx.res.setHeader('x-request-id', ctx.requestId);
        ctx.res.end(body);
      },
    },
  ];
}
