// The demo's tables as Unity Catalog declares them (the body of POST /tables), their keys, which columns
// carry PII (masked for everyone but auditors), and the policies the demo sets on them.

export interface DemoColumn {
  name: string;
  type_text: string;
  type_name: 'STRING' | 'DATE' | 'DECIMAL' | 'BOOLEAN' | 'INT';
  type_precision?: number;
  type_scale?: number;
  nullable: boolean;
  comment: string;
}

export interface DemoTable {
  name: 'customers' | 'policies' | 'claims';
  comment: string;
  key: string;
  columns: DemoColumn[];
  /** Columns masked for everyone outside `auditors`. */
  pii: string[];
}

const text = (name: string, comment: string, nullable = false): DemoColumn => ({
  name,
  type_text: 'string',
  type_name: 'STRING',
  nullable,
  comment,
});
const date = (name: string, comment: string): DemoColumn => ({
  name,
  type_text: 'date',
  type_name: 'DATE',
  nullable: false,
  comment,
});
const money = (name: string, comment: string, nullable = false): DemoColumn => ({
  name,
  type_text: 'decimal(12,2)',
  type_name: 'DECIMAL',
  type_precision: 12,
  type_scale: 2,
  nullable,
  comment,
});

export const DEMO_TABLES: readonly DemoTable[] = [
  {
    name: 'customers',
    comment: 'Policyholders, with contact details (PII: masked except for auditors).',
    key: 'customer_id',
    columns: [
      text('customer_id', 'Customer number'),
      text('name', 'Full name (PII)'),
      text('email', 'E-mail address (PII)'),
      text('phone', 'Phone number (PII)'),
      text('address', 'Street address (PII)'),
      text('city', 'City'),
      text('state', 'State'),
      text('postal_code', 'ZIP code'),
      text('region', 'Sales and claims region: north, south, east or west'),
      date('date_of_birth', 'Date of birth (PII)'),
      date('customer_since', 'First policy date'),
    ],
    pii: ['name', 'email', 'phone', 'address', 'date_of_birth'],
  },
  {
    name: 'policies',
    comment: 'Insurance policies: auto, home, renters, commercial property and umbrella.',
    key: 'policy_id',
    columns: [
      text('policy_id', 'Policy number'),
      text('customer_id', 'Policyholder (customers.customer_id)'),
      text('region', 'Region of the policyholder'),
      text('policy_type', 'auto, home, renters, commercial_property or umbrella'),
      text('status', 'active, expired or cancelled'),
      date('start_date', 'Start of the policy term'),
      date('end_date', 'End of the policy term'),
      money('annual_premium', 'Premium for the term, USD'),
      money('deductible', 'Deductible per claim, USD'),
      money('coverage_limit', 'Coverage limit, USD'),
    ],
    pii: [],
  },
  {
    name: 'claims',
    comment: 'Claims against policies, with free-text adjuster notes.',
    key: 'claim_id',
    columns: [
      text('claim_id', 'Claim number'),
      text('policy_id', 'Policy (policies.policy_id)'),
      text('customer_id', 'Policyholder (customers.customer_id)'),
      text('region', 'Region of the policy'),
      text('loss_type', 'collision, theft, water_damage, fire, hail, wind, vandalism, glass or liability'),
      date('loss_date', 'Date of loss'),
      date('reported_date', 'Date the loss was reported (FNOL)'),
      text('status', 'open, under_review, approved, paid, denied or closed'),
      money('claim_amount', 'Amount claimed or reserved, USD'),
      money('approved_amount', 'Amount approved net of deductible, USD (empty while open)', true),
      text('adjuster', 'Assigned adjuster'),
      {
        name: 'fraud_flag',
        type_text: 'boolean',
        type_name: 'BOOLEAN',
        nullable: false,
        comment: 'Referred to the special investigations unit',
      },
      text('adjuster_notes', 'Free-text notes of the adjuster'),
    ],
    pii: [],
  },
];

export const DEMO_REGIONS = ['north', 'south', 'east', 'west'] as const;

/** Groups of the demo: one adjuster group per region, auditors (see everything) and analysts. */
export const DEMO_GROUPS = [...DEMO_REGIONS.map((r) => `adjusters_${r}`), 'auditors', 'analysts'] as const;

/** Users of the demo and their groups; each gets an API key when the demo is created. */
export const DEMO_USERS: readonly { name: string; displayName: string; groups: string[] }[] = [
  { name: 'alice', displayName: 'Alice Moreno (adjuster, north)', groups: ['adjusters_north'] },
  { name: 'bob', displayName: 'Bob Okafor (adjuster, south)', groups: ['adjusters_south'] },
  { name: 'carol', displayName: 'Carol Chen (auditor)', groups: ['auditors'] },
  { name: 'dave', displayName: 'Dave Lindqvist (analyst)', groups: ['analysts'] },
];

/**
 * The row filter of every demo table: auditors and analysts see every region, an adjuster sees the
 * regions of their groups. Analysts still get PII masked (DEMO_MASK).
 */
export function demoRowFilter(): string {
  const regional = DEMO_REGIONS.map((r) => `(is_member('adjusters_${r}') AND region = '${r}')`);
  return [`is_member('auditors')`, `is_member('analysts')`, ...regional].join(' OR ');
}

/** A PII column's mask: the value for auditors, a redaction for everyone else. */
export function demoMask(column: string, type: DemoColumn['type_name']): string {
  const hidden = type === 'DATE' ? 'NULL' : `'***'`;
  return `CASE WHEN is_member('auditors') THEN ${column} ELSE ${hidden} END`;
}
