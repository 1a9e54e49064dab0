import { describe, expect, it } from 'vitest';
import {
  type AuditRow,
  renderAuditTable,
  renderVerifyResult,
  runAuditList,
  runAuditVerify,
} from './audit-command.js';

const row = (over: Partial<AuditRow> = {}): AuditRow => ({
  at: '2024-05-01T12:00:00.000Z',
  principalId: 'pr_alice',
  action: 'table.select',
  securableType: 'table',
  securableName: 'main.claims.raw',
  decision: 'allow',
  ...over,
});

describe('lakegate audit verify output', () => {
  it('states an intact chain, and an empty one', () => {
    expect(renderVerifyResult({ ok: true, records: 1234 })).toBe(
      'OK: the audit chain is intact — 1234 records verified, hash chain and head match.',
    );
    expect(renderVerifyResult({ ok: true, records: 1 })).toContain('1 record verified');
    expect(renderVerifyResult({ ok: true, records: 0 })).toBe(
      'OK: the audit log is empty; there is nothing to verify.',
    );
  });

  it('states where the chain broke and what to distrust', () => {
    expect(
      renderVerifyResult({
        ok: false,
        records: 16,
        firstBadSeq: 17,
        problem: 'record 17 was altered: its content does not match its hash.',
      }),
    ).toBe(
      [
        'FAILED: the audit chain is broken at record 17.',
        '  problem:  record 17 was altered: its content does not match its hash.',
        '  verified: 16 records before the break are intact.',
        '  Treat records from 17 on as untrusted, and investigate who had write access to the control-plane database.',
      ].join('\n'),
    );
  });

  it('exits 1 on a broken chain so scripts can alert', async () => {
    expect(await runAuditVerify({ verify: async () => ({ ok: true, records: 3 }) })).toMatchObject({
      exitCode: 0,
    });
    const broken = await runAuditVerify({
      verify: async () => ({ ok: false, records: 0, firstBadSeq: 1, problem: 'x' }),
    });
    expect(broken.exitCode).toBe(1);
    expect(broken.text.endsWith('\n')).toBe(true);
  });
});

describe('lakegate audit list output', () => {
  it('aligns the columns', () => {
    expect(
      renderAuditTable([
        row(),
        row({
          principalId: null,
          action: 'audit.records_dropped',
          securableType: null,
          securableName: null,
          decision: 'none',
        }),
        row({
          principalId: 'pr_bob',
          action: 'grant.add',
          securableType: 'catalog',
          securableName: 'main',
          decision: 'deny',
        }),
      ]),
    ).toBe(
      [
        'TIME                      PRINCIPAL  ACTION                 SECURABLE              DECISION',
        '2024-05-01T12:00:00.000Z  pr_alice   table.select           table main.claims.raw  allow',
        '2024-05-01T12:00:00.000Z  -          audit.records_dropped  -                      none',
        '2024-05-01T12:00:00.000Z  pr_bob     grant.add              catalog main           deny',
      ].join('\n'),
    );
    expect(renderAuditTable([])).toBe('No audit records.');
  });

  it('cannot be spoofed by names holding control characters, and cuts very long cells', () => {
    const text = renderAuditTable([
      row({ securableName: 'x\n2099-01-01T00:00:00.000Z  pr_admin  fake\u001b[31m' }),
    ]);
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('\\u000a');
    expect(text).toContain('\\u001b');
    const long = renderAuditTable([row({ action: 'a'.repeat(200) })]);
    expect(long).toContain(`${'a'.repeat(59)}…`);
  });

  it('prints the cursor of the next page', async () => {
    const out = await runAuditList(
      { query: async (_: { limit: number }) => ({ records: [row()], nextCursor: '41' }) },
      { limit: 1 },
    );
    expect(out.text).toMatch(/\(more: --cursor 41\)\n$/);
  });
});
