// The bench's governed data: a claims table of BENCH_SQL_ROWS rows generated inside DuckDB (range() and
// hashing, so millions of rows take seconds), a small regions dimension, a row filter by region and a mask
// on the adjuster's email, and a principal in the EU adjusters group with SELECT on the schema.

export const REGIONS = ['EU-West', 'EU-North', 'US-East', 'US-West', 'APAC'];

const CLAIM_COLUMNS = [
  { name: 'claim_id', type: 'LONG' },
  { name: 'policy_id', type: 'LONG' },
  { name: 'region', type: 'STRING' },
  { name: 'status', type: 'STRING' },
  { name: 'claim_type', type: 'STRING' },
  { name: 'amount', type: 'DOUBLE' },
  { name: 'filed_at', type: 'DATE' },
  { name: 'adjuster_email', type: 'STRING' },
];

const GENERATE_CLAIMS = (rows) => `
SELECT
  i AS claim_id,
  (hash(i * 7) % 1000000)::BIGINT AS policy_id,
  ['EU-West', 'EU-North', 'US-East', 'US-West', 'APAC'][(hash(i * 3) % 5)::INTEGER + 1] AS region,
  ['open', 'closed', 'review', 'denied'][(hash(i * 5) % 4)::INTEGER + 1] AS status,
  ['auto', 'home', 'health', 'travel', 'life', 'pet'][(hash(i * 11) % 6)::INTEGER + 1] AS claim_type,
  round((hash(i * 13) % 5000000) / 100.0, 2)::DOUBLE AS amount,
  (DATE '2022-01-01' + ((hash(i * 17) % 1095)::INTEGER)) AS filed_at,
  'adjuster' || (hash(i * 19) % 500)::VARCHAR || '@insurer.example' AS adjuster_email
FROM range(${rows}) t(i)`;

export const ROW_FILTER = `region IN ('EU-West', 'EU-North') OR is_member('auditors')`;
export const EMAIL_MASK = `CASE WHEN is_member('auditors') THEN adjuster_email ELSE '***' END`;

/** Creates everything through the governed services (dist/); returns the reader and the physical relations. */
export async function buildClaims({ catalog, data, admin, rows }) {
  const { securables, identity } = catalog;
  await securables.createCatalog(admin, 'ins');
  await securables.createSchema(admin, 'ins.claims');
  await data.tables.create(admin, 'ins.claims.claims', { columns: CLAIM_COLUMNS });
  await data.tables.write(admin, 'ins.claims.claims', {
    mode: 'append',
    source: { kind: 'query', sql: GENERATE_CLAIMS(rows) },
  });
  await data.tables.create(admin, 'ins.claims.regions', {
    columns: [
      { name: 'region', type: 'STRING' },
      { name: 'country', type: 'STRING' },
      { name: 'manager', type: 'STRING' },
    ],
  });
  await data.tables.write(admin, 'ins.claims.regions', {
    mode: 'append',
    source: {
      kind: 'rows',
      rows: REGIONS.map((region, i) => ({
        region,
        country: ['IE', 'SE', 'US', 'US', 'SG'][i],
        manager: `manager${i % 3}`,
      })),
    },
  });
  await securables.setRowFilter(admin, 'ins.claims.claims', ROW_FILTER);
  await securables.setColumnMask(admin, 'ins.claims.claims', 'adjuster_email', EMAIL_MASK);
  await identity.createPrincipal({ name: 'eu_adjusters', kind: 'group' }, admin.principalId);
  await identity.createPrincipal({ name: 'auditors', kind: 'group' }, admin.principalId);
  const reader = await identity.createPrincipal({ name: 'bench_adjuster', kind: 'user' }, admin.principalId);
  await identity.addMember('eu_adjusters', 'bench_adjuster', admin.principalId);
  await securables.updatePermissions(admin, 'catalog', 'ins', [
    { principal: 'eu_adjusters', add: ['USE CATALOG'] },
  ]);
  await securables.updatePermissions(admin, 'schema', 'ins.claims', [
    { principal: 'eu_adjusters', add: ['USE SCHEMA', 'SELECT'] },
  ]);
  const claims = await securables.get(admin, 'table', 'ins.claims.claims');
  const regions = await securables.get(admin, 'table', 'ins.claims.regions');
  return {
    actor: { principalId: reader.id, name: reader.name, kind: 'user', isAdmin: false },
    claimsRelation: await data.tables.relationFor(claims),
    regionsRelation: await data.tables.relationFor(regions),
  };
}

/**
 * The policy written by hand for the same principal (not an auditor): what someone would type to get
 * the governed answer directly, the baseline the governed path is compared with.
 */
export function handWrittenClaims(relation) {
  const columns = CLAIM_COLUMNS.map((c) =>
    c.name === 'adjuster_email' ? `'***' AS adjuster_email` : c.name,
  );
  return `(SELECT ${columns.join(', ')} FROM ${relation} WHERE region IN ('EU-West', 'EU-North'))`;
}
