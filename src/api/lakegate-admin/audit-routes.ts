// The audit log, for metastore admins only: records newest first, filtered and paged, and a check of
// its hash chain. Both flush what is queued first, so a change the caller just made is in the answer;
// both are themselves audited, refused or not.

import type { AuditDecision, AuditQuery, AuditRecord } from '../../catalog/index.js';
import { validationError } from '../../core/index.js';
import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { epochMs, jsonRoute, PrincipalNames, principalByName } from '../unity-catalog/index.js';
import type { AdminGuard } from './admin-guard.js';
import { LG_PREFIX } from './paths.js';

const DECISIONS: readonly string[] = ['allow', 'deny', 'none'];
const PRINCIPAL_ID = /^pr_[0-9a-f]{24}$/;

/** ISO-8601 or epoch milliseconds, as ISO. */
function timeOf(value: string, name: string): string {
  const time = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(time))
    throw validationError(`${name} must be an ISO-8601 time or epoch milliseconds.`);
  return new Date(time).toISOString();
}

function limitOf(value: string): number {
  if (!/^\d{1,4}$/.test(value)) throw validationError('limit must be an integer from 1 to 1000.');
  return Number(value);
}

async function auditQuery(services: ApiServices, query: URLSearchParams): Promise<AuditQuery> {
  const filter: AuditQuery = {};
  const get = (name: string) => query.get(name) || undefined;
  const since = get('since');
  const until = get('until');
  const principal = get('principal');
  const action = get('action');
  const securable = get('securable');
  const decision = get('decision');
  const limit = get('limit');
  const cursor = get('cursor');
  if (since) filter.since = timeOf(since, 'since');
  if (until) filter.until = timeOf(until, 'until');
  if (principal) {
    // By name, or by id for records of a principal deleted since.
    filter.principalId = PRINCIPAL_ID.test(principal)
      ? principal
      : (await principalByName(services.catalog.identity, principal)).id;
  }
  if (action) filter.action = action;
  if (securable) filter.securableName = securable;
  if (decision) {
    if (!DECISIONS.includes(decision)) throw validationError('decision must be allow, deny or none.');
    filter.decision = decision as AuditDecision;
  }
  if (limit) filter.limit = limitOf(limit);
  if (cursor) filter.cursor = cursor;
  return filter;
}

async function toWire(record: AuditRecord, names: PrincipalNames) {
  const principal = await names.name(record.principalId);
  return {
    seq: record.seq,
    at: epochMs(record.at),
    principal_id: record.principalId,
    // A deleted principal's id is all that is left of it.
    principal: principal === record.principalId ? null : principal,
    action: record.action,
    securable_type: record.securableType,
    securable_name: record.securableName,
    params: record.params,
    decision: record.decision,
    request_id: record.requestId,
  };
}

export function auditRoutes(services: ApiServices, guard: AdminGuard): Route[] {
  const { audit, identity } = services.catalog;
  return [
    jsonRoute('GET', `${LG_PREFIX}/audit`, async (ctx, actor) => {
      guard.requireAdmin(actor, 'audit.query');
      const filter = await auditQuery(services, ctx.query);
      await audit.flush();
      const page = await audit.query(filter);
      guard.allow(actor, 'audit.query', { ...filter });
      const names = new PrincipalNames(identity);
      const records = await Promise.all(page.records.map((r) => toWire(r, names)));
      return page.nextCursor === undefined ? { records } : { records, next_cursor: page.nextCursor };
    }),
    jsonRoute('POST', `${LG_PREFIX}/audit/verify`, async (_ctx, actor) => {
      guard.requireAdmin(actor, 'audit.verify');
      await audit.flush();
      const result = await audit.verify();
      guard.allow(actor, 'audit.verify', { ok: result.ok });
      return {
        ok: result.ok,
        records: result.records,
        ...(result.firstBadSeq !== undefined ? { first_bad_seq: result.firstBadSeq } : {}),
        ...(result.problem !== undefined ? { problem: result.problem } : {}),
      };
    }),
  ];
}
