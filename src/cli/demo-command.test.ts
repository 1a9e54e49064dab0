// `lakegate demo` against a real Lakegate: it builds the catalog through the public APIs, and the same
// query then answers differently for an adjuster, an auditor and an analyst (row filter by region,
// masks on PII); the documents are in the volume; a second run refuses, --reset starts over.

import { describe, expect, it } from 'vitest';
import { cliAt, useLakegate } from './test-support.js';

const lakegate = useLakegate();

interface DemoOutput {
  rows: { customers: number; policies: number; claims: number };
  documents: number;
  users: Array<{ name: string; groups: string[]; key: string }>;
  vectorIndex: string;
  knowledgeBase: { name: string; chunks: number };
}

async function sql(key: string, statement: string): Promise<unknown[][]> {
  const response = await fetch(`${lakegate.harness.url}/api/2.0/sql/statements`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ statement, wait_timeout: '30s' }),
  });
  const body = (await response.json()) as {
    status?: { state: string; error?: { message: string } };
    result?: { data_array?: unknown[][] };
  };
  expect(body.status?.state, JSON.stringify(body)).toBe('SUCCEEDED');
  return body.result?.data_array ?? [];
}

describe('lakegate demo', () => {
  let first: DemoOutput;

  it('creates the demo and prints the users’ keys once', async () => {
    const run = await lakegate.admin('demo', '--scale', '0.05', '-o', 'json');
    expect(run.code, run.stderr).toBe(0);
    first = JSON.parse(run.stdout) as DemoOutput;
    expect(first.rows.customers).toBe(50);
    expect(first.rows.claims).toBeGreaterThan(20);
    expect(first.documents).toBe(14);
    expect(first.users.map((u) => u.name)).toEqual(['alice', 'bob', 'carol', 'dave']);
  });

  it('shows each user only their rows, and PII only to auditors', async () => {
    const key = (name: string) => first.users.find((u) => u.name === name)!.key;
    const regions = (rows: unknown[][]) => [...new Set(rows.map((r) => r[0]))].sort();
    const query = 'SELECT region, count(*) FROM demo.insurance.claims GROUP BY region';
    expect(regions(await sql(key('alice'), query))).toEqual(['north']);
    expect(regions(await sql(key('bob'), query))).toEqual(['south']);
    expect(regions(await sql(key('carol'), query))).toEqual(['east', 'north', 'south', 'west']);
    const total = (await sql(key('carol'), query)).reduce((sum, r) => sum + Number(r[1]), 0);
    expect(total).toBe(first.rows.claims);

    const pii = 'SELECT name, email, phone FROM demo.insurance.customers ORDER BY customer_id LIMIT 3';
    const audited = await sql(key('carol'), pii);
    expect(audited[0]![1]).toMatch(/@(mail\.)?example\.(com|net|org)$/);
    const masked = await sql(key('dave'), pii);
    expect(masked).toHaveLength(3);
    for (const row of masked) expect(row).toEqual(['***', '***', '***']);
  });

  it('prints commands to try that work as printed', async () => {
    const key = (name: string) => first.users.find((u) => u.name === name)!.key;
    const byRegion =
      'SELECT region, status, count(*) AS claims FROM demo.insurance.claims GROUP BY ALL ORDER BY ALL';
    const alice = await cliAt(lakegate.harness.url, key('alice'))('sql', byRegion);
    expect(alice.code, alice.stderr).toBe(0);
    expect(alice.stdout).toContain('north');
    expect(alice.stdout).not.toMatch(/\b(south|east|west)\b/);
    const pii = 'SELECT name, email, phone FROM demo.insurance.customers LIMIT 5';
    const dave = await cliAt(lakegate.harness.url, key('dave'))('sql', pii);
    expect(dave.code, dave.stderr).toBe(0);
    expect(dave.stdout).toContain('***');
    expect(dave.stdout).not.toContain('@example');
    const carol = await cliAt(lakegate.harness.url, key('carol'))('sql', pii);
    expect(carol.stdout).toContain('@example');
    const ls = await cliAt(lakegate.harness.url, key('alice'))(
      'fs',
      'ls',
      '/Volumes/demo/insurance/documents/guidelines',
    );
    expect(ls.stdout).toContain('fraud-indicators-and-siu-referral.md');
  });

  it('puts the documents in the volume, readable by the demo users', async () => {
    const alice = first.users.find((u) => u.name === 'alice')!.key;
    const listing = await fetch(
      `${lakegate.harness.url}/api/2.0/fs/directories/Volumes/demo/insurance/documents/guidelines`,
      { headers: { authorization: `Bearer ${alice}` } },
    );
    const names = ((await listing.json()) as { contents: Array<{ name: string }> }).contents.map(
      (c) => c.name,
    );
    expect(names).toContain('claims-handling-guidelines.md');
    expect(names).toContain('claims-handling-guidelines.md.metadata.json');
  });

  it('builds a claim-notes index and a documents knowledge base whose results follow each reader', async () => {
    const key = (name: string) => first.users.find((u) => u.name === name)!.key;
    const cli = (name: string) => cliAt(lakegate.harness.url, key(name));
    expect(first.knowledgeBase.chunks).toBeGreaterThan(10);
    // The index syncs in the background after it is created; wait until it holds every claim.
    const deadline = Date.now() + 30_000;
    let rows = 0;
    while (rows < first.rows.claims && Date.now() < deadline) {
      const got = await cli('dave')('vs', 'get', first.vectorIndex, '-o', 'json');
      rows =
        (JSON.parse(got.stdout) as { status?: { indexed_row_count?: number } }).status?.indexed_row_count ??
        0;
      if (rows < first.rows.claims) await new Promise((r) => setTimeout(r, 200));
    }
    expect(rows).toBe(first.rows.claims);
    const query = ['vs', 'query', first.vectorIndex, 'water in the basement after a storm', '-n', '20'];
    const alice = await cli('alice')(...query, '--columns', 'claim_id,region', '-o', 'json');
    expect(alice.code, alice.stderr).toBe(0);
    const regions = (
      JSON.parse(alice.stdout) as { result: { data_array: unknown[][] } }
    ).result.data_array.map((row) => row[1]);
    expect(regions.length).toBeGreaterThan(0);
    expect(new Set(regions)).toEqual(new Set(['north']));
    // The fraud guide carries allowed_groups: adjusters and auditors read it, analysts do not.
    const fraud = ['kb', 'retrieve', first.knowledgeBase.name, 'fraud indicators', '-n', '20'];
    expect((await cli('alice')(...fraud)).stdout).toContain('fraud-indicators-and-siu-referral');
    const dave = await cli('dave')(...fraud);
    expect(dave.code, dave.stderr).toBe(0);
    expect(dave.stdout).not.toContain('fraud-indicators-and-siu-referral');
    const ask = await cli('alice')(
      'kb',
      'ask',
      first.knowledgeBase.name,
      'How is hail damage to an old roof settled?',
    );
    expect(ask.code, ask.stderr).toBe(0);
    expect(ask.stdout).toContain('actual cash value');
  });

  it('refuses to run twice, and starts over with --reset', async () => {
    const again = await lakegate.admin('demo', '--scale', '0.05');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('lakegate demo --reset');
    const reset = await lakegate.admin('demo', '--scale', '0.05', '--seed', '9', '--reset', '-o', 'json');
    expect(reset.code, reset.stderr).toBe(0);
    const second = JSON.parse(reset.stdout) as DemoOutput;
    // The old keys went with their users.
    const oldKey = first.users.find((u) => u.name === 'alice')!.key;
    const refused = await fetch(`${lakegate.harness.url}/api/2.1/lakegate/me`, {
      headers: { authorization: `Bearer ${oldKey}` },
    });
    expect(refused.status).toBe(401);
    const newKey = second.users.find((u) => u.name === 'alice')!.key;
    expect((await sql(newKey, 'SELECT count(*) FROM demo.insurance.policies'))[0]![0]).toBeDefined();
  });

  it('prints a guide for people', async () => {
    const run = await lakegate.admin('demo', '--scale', '0.02', '--reset');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('The demo is ready on');
    expect(run.stdout).toMatch(/^ {2}alice\s+adjusters_north\s+\S+\.\S+$/m);
    expect(run.stdout).toContain('lakegate sql');
  });
});
