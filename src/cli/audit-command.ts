// Output of `lakegate audit verify` and `lakegate audit list`. The shapes below are the catalog audit
// log's (AuditVerifyResult, AuditRecord), restated structurally so this file needs nothing but a
// value with `verify()` / `query()`; the dispatch in main.ts passes the real AuditLog.

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

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Audit rows hold names users chose: escape anything that could rewrite the terminal or a line. */
function safe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

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

const MAX_CELL = 60;

function cell(text: string): string {
  const clean = safe(text);
  return clean.length > MAX_CELL ? `${clean.slice(0, MAX_CELL - 1)}…` : clean;
}

export function renderAuditTable(rows: readonly AuditRow[]): string {
  if (rows.length === 0) return 'No audit records.';
  const header = ['TIME', 'PRINCIPAL', 'ACTION', 'SECURABLE', 'DECISION'];
  const body = rows.map((row) => [
    cell(row.at),
    cell(row.principalId ?? '-'),
    cell(row.action),
    cell(
      row.securableName === null
        ? (row.securableType ?? '-')
        : row.securableType === null
          ? row.securableName
          : `${row.securableType} ${row.securableName}`,
    ),
    cell(row.decision),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)].join('\n');
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
