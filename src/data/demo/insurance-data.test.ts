// The demo generator: the same seed gives the same rows, the rows hang together (claims inside their
// policy's term and region, amounts that add up), the PII looks real but is reserved for fiction, and
// the adjuster notes differ from each other while agreeing with their claim.

import { describe, expect, it } from 'vitest';
import {
  AS_OF,
  DEMO_DOCUMENTS,
  DEMO_TABLES,
  demoMask,
  demoRowFilter,
  generateInsuranceData,
  sidecarOf,
} from './index.js';

const data = generateInsuranceData();

describe('generateInsuranceData', () => {
  it('is deterministic for a seed, and different for another', () => {
    const again = generateInsuranceData();
    expect(again).toEqual(data);
    const other = generateInsuranceData({ seed: 7 });
    expect(other.customers[0]).not.toEqual(data.customers[0]);
    expect(other.claims.slice(0, 20).map((c) => c.adjuster_notes)).not.toEqual(
      data.claims.slice(0, 20).map((c) => c.adjuster_notes),
    );
  });

  it('makes a few thousand rows by default and grows with the scale', () => {
    const total = data.customers.length + data.policies.length + data.claims.length;
    expect(data.customers).toHaveLength(1000);
    expect(total).toBeGreaterThan(3000);
    expect(total).toBeLessThan(6000);
    const double = generateInsuranceData({ scale: 2 });
    expect(double.customers).toHaveLength(2000);
    expect(double.claims.length).toBeGreaterThan(data.claims.length * 1.7);
    expect(() => generateInsuranceData({ scale: 0 })).toThrow('scale');
  });

  it('gives customers believable PII from reserved ranges, in every region', () => {
    const regions = new Set(data.customers.map((c) => c.region));
    expect([...regions].sort()).toEqual(['east', 'north', 'south', 'west']);
    const ids = new Set(data.customers.map((c) => c.customer_id));
    expect(ids.size).toBe(data.customers.length);
    for (const c of data.customers) {
      expect(c.email).toMatch(/^[a-z][a-z.-]*\d*@(mail\.)?example\.(com|net|org)$/);
      expect(c.phone).toMatch(/^\(\d{3}\) 555-01\d\d$/);
      expect(c.name).toMatch(/^\S+ \S+$/);
      expect(c.address).toMatch(/^\d+ [A-Z][a-z]+ [A-Z][a-z]+(, Apt \d+[A-D])?$/);
      const age = (Date.parse(AS_OF) - Date.parse(c.date_of_birth)) / (365.25 * 86_400_000);
      expect(age).toBeGreaterThan(18);
      expect(age).toBeLessThan(87);
    }
    // Names vary: not a handful repeated.
    expect(new Set(data.customers.map((c) => c.name)).size).toBeGreaterThan(700);
  });

  it('keeps claims inside their policy: same customer and region, dated within the term', () => {
    const policies = new Map(data.policies.map((p) => [p.policy_id, p]));
    const customers = new Map(data.customers.map((c) => [c.customer_id, c]));
    expect(new Set(data.claims.map((c) => c.claim_id)).size).toBe(data.claims.length);
    for (const p of data.policies) {
      expect(customers.get(p.customer_id)?.region).toBe(p.region);
      expect(p.end_date > p.start_date).toBe(true);
      expect(p.status === 'active').toBe(p.end_date > AS_OF && p.status !== 'cancelled');
    }
    for (const c of data.claims) {
      const policy = policies.get(c.policy_id)!;
      expect(policy.customer_id).toBe(c.customer_id);
      expect(policy.region).toBe(c.region);
      expect(c.loss_date >= policy.start_date && c.loss_date <= policy.end_date).toBe(true);
      expect(c.loss_date <= c.reported_date && c.reported_date <= AS_OF).toBe(true);
      expect(c.claim_amount).toBeGreaterThan(0);
      expect(c.claim_amount).toBeLessThanOrEqual(policy.coverage_limit);
      if (c.status === 'open' || c.status === 'under_review') expect(c.approved_amount).toBeNull();
      else expect(c.approved_amount).toBeLessThanOrEqual(c.claim_amount);
    }
  });

  it('writes notes that differ, agree with their claim, and flag fraud only where flagged', () => {
    const notes = data.claims.map((c) => c.adjuster_notes);
    expect(new Set(notes).size / notes.length).toBeGreaterThan(0.99);
    const flagged = data.claims.filter((c) => c.fraud_flag);
    expect(flagged.length / data.claims.length).toBeGreaterThan(0.02);
    expect(flagged.length / data.claims.length).toBeLessThan(0.12);
    for (const c of flagged) expect(c.adjuster_notes).toContain('SIU');
    for (const c of data.claims.filter((x) => !x.fraud_flag)) expect(c.adjuster_notes).not.toContain('SIU');
    for (const c of data.claims) {
      const sentences = c.adjuster_notes.split(/(?<=\.) /).length;
      expect(sentences).toBeGreaterThanOrEqual(3);
      expect([c.loss_date, c.reported_date].some((d) => c.adjuster_notes.includes(d))).toBe(true);
      if (c.status === 'paid') {
        const net = `$${Math.round(c.approved_amount!).toLocaleString('en-US')}`;
        expect(c.adjuster_notes).toContain(net);
      }
      if (c.status === 'denied') expect(c.adjuster_notes).toMatch(/Denied: /);
    }
    // Vehicle claims talk about vehicles, water claims about buildings.
    for (const c of data.claims.filter((x) => x.loss_type === 'water_damage')) {
      expect(c.adjuster_notes).not.toMatch(/\b(vehicle|windshield|rental)\b/i);
    }
    for (const c of data.claims.filter((x) => x.loss_type === 'collision')) {
      expect(c.adjuster_notes).not.toMatch(/\b(drywall|roof|basement)\b/i);
    }
  });
});

describe('demo tables, policies and documents', () => {
  it('declares every generated column, and masks only declared columns', () => {
    const rows = { customers: data.customers[0]!, policies: data.policies[0]!, claims: data.claims[0]! };
    for (const table of DEMO_TABLES) {
      expect(table.columns.map((c) => c.name).sort()).toEqual(Object.keys(rows[table.name]).sort());
      expect(table.columns.map((c) => c.name)).toContain(table.key);
      for (const column of table.pii) expect(table.columns.map((c) => c.name)).toContain(column);
    }
    expect(DEMO_TABLES.find((t) => t.name === 'customers')!.pii).toEqual(
      expect.arrayContaining(['name', 'email', 'phone', 'address']),
    );
  });

  it('filters rows by region for adjusters and shows all to auditors and analysts', () => {
    const filter = demoRowFilter();
    expect(filter).toContain("is_member('auditors')");
    for (const region of ['north', 'south', 'east', 'west']) {
      expect(filter).toContain(`(is_member('adjusters_${region}') AND region = '${region}')`);
    }
    expect(demoMask('email', 'STRING')).toBe("CASE WHEN is_member('auditors') THEN email ELSE '***' END");
    expect(demoMask('date_of_birth', 'DATE')).toContain('ELSE NULL');
  });

  it('ships documents with facts to retrieve and Bedrock-style sidecars', () => {
    expect(DEMO_DOCUMENTS.length).toBeGreaterThanOrEqual(6);
    const guidelines = DEMO_DOCUMENTS.find((d) => d.path === 'guidelines/claims-handling-guidelines.md')!;
    expect(guidelines.content).toContain('up to USD 25,000');
    for (const document of DEMO_DOCUMENTS) {
      expect(document.path).toMatch(/^[a-z]+\/[a-z-]+\.md$/);
      expect(document.content.startsWith('# ')).toBe(true);
      const sidecar = sidecarOf(document);
      expect(sidecar.path).toBe(`${document.path}.metadata.json`);
      expect(JSON.parse(sidecar.content)).toEqual({ metadataAttributes: document.metadata });
    }
  });
});
