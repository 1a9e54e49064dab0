// `lakegate audit list` and `lakegate audit verify`. The render and run helpers need nothing but a value
// with `verify()` / `query()` (the shapes restate the catalog audit log's AuditVerifyResult and
// AuditRecord); `auditCommand` passes one backed by the running server's /api/2.1/lakegate/audit.

import { usageError } from './cli-error.js';
import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  parseCommand,
  positionalsOf,
  runSubcommand,
} from './command-context.js';
import { escapeText, formatTime, renderTable } from './format-table.js';
import { LAKEGATE_API } from './http-client.js';
import { parseTime } from './parse-time.js';

export interface AuditVerifyOutcome {
  ok: boolean;
  records: number;
  firstBadSeq?: number;
  problem?: string;
}

export interface AuditRow {
  at: string;
  principalId: string | null;
  action: string;
  securableType: string | null;
  securableName: string | null;
  decision: string;
}

export interface CommandOutput {
  text: string;
  exitCode: 0 | 1;
}

/** Audit rows hold names users chose: escape anything that could rewrite the terminal or a line. */
const safe = escapeText;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderVerifyResult(result: AuditVerifyOutcome): string {
  if (result.ok) {
    return result.records === 0
      ? 'OK: the audit log is empty; there is nothing to verify.'
      : `OK: the audit chain is intact — ${plural(result.records, 'record')} verified, hash chain and head match.`;
  }
  const at = result.firstBadSeq === undefined ? '' : ` at record ${result.firstBadSeq}`;
  const lines = [
    `FAILED: the audit chain is broken${at}.`,
    `  problem:  ${safe(result.problem ?? 'unknown')}`,
    `  verified: ${plural(result.records, 'record')} before the break are intact.`,
  ];
  if (result.firstBadSeq !== undefined) {
    lines.push(
      `  Treat records from ${result.firstBadSeq} on as untrusted, and investigate who had write access to the control-plane database.`,
    );
  }
  return lines.join('\n');
}

export function renderAuditTable(rows: readonly AuditRow[]): string {
  if (rows.length === 0) return 'No audit records.';
  const body = rows.map((row) => [
    row.at,
    row.principalId ?? '-',
    row.action,
    row.securableName === null
      ? (row.securableType ?? '-')
      : row.securableType === null
        ? row.securableName
        : `${row.securableType} ${row.securableName}`,
    row.decision,
  ]);
  return renderTable(['TIME', 'PRINCIPAL', 'ACTION', 'SECURABLE', 'DECISION'], body, { maxCell: 60 });
}

/** `lakegate audit verify`: exit code 1 when the chain is broken, so scripts and cron can alert. */
export async function runAuditVerify(log: { verify(): Promise<AuditVerifyOutcome> }): Promise<CommandOutput> {
  const result = await log.verify();
  return { text: `${renderVerifyResult(result)}\n`, exitCode: result.ok ? 0 : 1 };
}

/** `lakegate audit list`: newest first, one page; the next page's cursor is printed when there is one. */
export async function runAuditList<Filter>(
  log: { query(filter: Filter): Promise<{ records: AuditRow[]; nextCursor?: string }> },
  filter: Filter,
): Promise<CommandOutput> {
  const page = await log.query(filter);
  const more = page.nextCursor ? `\n(more: --cursor ${page.nextCursor})` : '';
  return { text: `${renderAuditTable(page.records)}${more}\n`, exitCode: 0 };
}

export const AUDIT_USAGE = `Usage: lakegate audit <subcommand> [options]

  list [--since <1h|ISO>] [--until <1h|ISO>] [--principal <name>] [--action <action>]
       [--securable <full_name>] [--decision allow|deny|none] [--limit <n>] [--cursor <c>]
                                         audit records, newest first, one page at a time
  verify                                 check the hash chain: exit code 0 when intact, 1 when
                                         a record was altered, deleted or reordered

Metastore admins only. A duration counts back from now (--since 1h = the last hour).

${COMMON_OPTIONS_HELP}`;

interface WireAuditRecord {
  seq?: number;
  at?: string | number;
  principal_id?: string | null;
  principal?: string | null;
  action?: string;
  securable_type?: string | null;
  securable_name?: string | null;
  decision?: string;
}

interface WireAuditPage {
  records?: WireAuditRecord[];
  next_cursor?: string | null;
}

interface WireVerify {
  ok: boolean;
  records: number;
  first_bad_seq?: number | null;
  problem?: string | null;
}

/** The wire's record as a row: the principal by name when the server knows it, else its id. */
function rowOf(record: WireAuditRecord): AuditRow {
  return {
    at: formatTime(record.at, true),
    principalId: record.principal ?? record.principal_id ?? null,
    action: record.action ?? '-',
    securableType: record.securable_type ?? null,
    securableName: record.securable_name ?? null,
    decision: record.decision ?? '-',
  };
}

function outcomeOf(answer: WireVerify): AuditVerifyOutcome {
  const outcome: AuditVerifyOutcome = { ok: answer.ok === true, records: Number(answer.records ?? 0) };
  if (typeof answer.first_bad_seq === 'number') outcome.firstBadSeq = answer.first_bad_seq;
  if (typeof answer.problem === 'string') outcome.problem = answer.problem;
  return outcome;
}

export function auditCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const usage = AUDIT_USAGE;
  return runSubcommand(runtime, args, usage, {
    list: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        {
          since: { type: 'string' },
          until: { type: 'string' },
          principal: { type: 'string' },
          action: { type: 'string' },
          securable: { type: 'string' },
          decision: { type: 'string' },
          limit: { type: 'string' },
          cursor: { type: 'string' },
        },
        usage,
      );
      if (!ctx) return 0;
      positionalsOf(positionals, [], usage);
      if (values.limit !== undefined && !/^[1-9]\d{0,5}$/.test(values.limit)) {
        throw usageError(`--limit must be a whole number from 1, not "${values.limit}"`, usage);
      }
      if (values.decision !== undefined && !['allow', 'deny', 'none'].includes(values.decision)) {
        throw usageError(`--decision must be allow, deny or none, not "${values.decision}"`, usage);
      }
      const query = {
        since: values.since === undefined ? undefined : parseTime(values.since, -1, '--since', usage),
        until: values.until === undefined ? undefined : parseTime(values.until, -1, '--until', usage),
        principal: values.principal,
        action: values.action,
        securable: values.securable,
        decision: values.decision,
        limit: values.limit,
        cursor: values.cursor,
      };
      let raw: WireAuditPage = {};
      const page = await runAuditList(
        {
          query: async (filter: typeof query) => {
            raw = await ctx.client.get<WireAuditPage>(`${LAKEGATE_API}/audit`, filter);
            const result: { records: AuditRow[]; nextCursor?: string } = {
              records: (raw.records ?? []).map(rowOf),
            };
            if (raw.next_cursor) result.nextCursor = String(raw.next_cursor);
            return result;
          },
        },
        query,
      );
      ctx.print(ctx.output === 'json' ? JSON.stringify(raw, null, 2) : page.text);
      return page.exitCode;
    },
    verify: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      positionalsOf(positionals, [], usage);
      const answer = await ctx.client.post<WireVerify>(`${LAKEGATE_API}/audit/verify`);
      const outcome = await runAuditVerify({ verify: async () => outcomeOf(answer) });
      if (ctx.output === 'json') ctx.print(JSON.stringify(answer, null, 2));
      else ctx.print(outcome.text);
      return outcome.exitCode;
    },
  });
}
