// The analytic queries: written once against {claims} and {regions}, which become the governed table
// names, the physical tables (raw) or the hand-written policy (baseline).

export const QUERIES = [
  {
    name: 'group by region',
    sql: 'SELECT region, count(*) AS n, sum(amount) AS total FROM {claims} GROUP BY region ORDER BY region',
  },
  {
    name: 'filter + aggregate',
    sql: `SELECT status, count(*) AS n, avg(amount) AS avg_amount FROM {claims} WHERE filed_at >= DATE '2024-01-01' AND amount > 10000 GROUP BY status ORDER BY status`,
  },
  {
    name: 'join dimension',
    sql: 'SELECT r.manager, count(*) AS n, sum(c.amount) AS total FROM {claims} c JOIN {regions} r ON c.region = r.region GROUP BY r.manager ORDER BY r.manager',
  },
  {
    name: 'top-N',
    sql: 'SELECT claim_id, region, amount FROM {claims} ORDER BY amount DESC, claim_id LIMIT 10',
  },
  {
    name: 'window rank',
    sql: 'SELECT claim_type, claim_id, amount, rank() OVER (PARTITION BY claim_type ORDER BY amount DESC, claim_id) AS rk FROM {claims} QUALIFY rk <= 3 ORDER BY claim_type, rk',
  },
  {
    name: 'masked column',
    sql: 'SELECT adjuster_email, count(*) AS n FROM {claims} WHERE status = $$open$$ GROUP BY adjuster_email ORDER BY n DESC, adjuster_email LIMIT 5',
  },
  {
    name: 'monthly trend',
    sql: `SELECT date_trunc('month', filed_at) AS month, count(*) AS n, sum(amount) AS total FROM {claims} GROUP BY month ORDER BY month`,
  },
  {
    name: 'having',
    sql: 'SELECT policy_id, count(*) AS n FROM {claims} GROUP BY policy_id HAVING count(*) > 8 ORDER BY n DESC, policy_id LIMIT 20',
  },
  {
    name: 'point lookup',
    sql: 'SELECT * FROM {claims} WHERE claim_id = 4242',
  },
];

export function instantiate(sql, names) {
  return sql.replaceAll('{claims}', names.claims).replaceAll('{regions}', names.regions);
}
