// The catalog the authorisation bench decides on: 20 catalogs x 10 schemas x 50 tables (10,000 tables),
// 1,000 users in 40 teams nested in 10 departments (user -> team -> department: two levels), and grants
// at every level, spread so that most questions are refused and a fair share is answered by each
// route (catalog-wide grant, schema grant, direct table grant, ownership). Written with bulk Kysely
// inserts in one transaction: only decisions are measured, not how fast the services create things.

import { bumpGeneration } from '../../dist/catalog/generation.js';
import { newId, nowIso } from '../../dist/core/index.js';
import { seededRandom } from './random.mjs';

export const SHAPE = {
  catalogs: 20,
  schemasPerCatalog: 10,
  tablesPerSchema: 50,
  users: 1_000,
  departments: 10,
  teams: 40,
  /** Direct table grants per user (SELECT or MODIFY on random tables). */
  tableGrantsPerUser: 20,
  /** Schemas each team may read (USE SCHEMA + SELECT on the schema). */
  schemasPerTeam: 5,
};

/** Rows per INSERT: far below SQLite's and PostgreSQL's bound-parameter limits at 12 columns. */
const CHUNK = 500;
const pad = (n, width) => String(n).padStart(width, '0');

async function insertAll(trx, table, rows) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

/**
 * Builds the catalog in `catalog` (from openCatalog on `store`) and returns what the scenarios need: the
 * admin and user actors, every table, and the direct table grants (for the revoke scenario and the
 * primary-key baseline).
 */
export async function buildCatalog(store, catalog, seed = 9) {
  const random = seededRandom(seed);
  const { db } = store;
  const now = nowIso();

  const principal = (name, kind, isAdmin = false) => ({
    id: newId('pr'),
    name,
    kind,
    display_name: null,
    is_admin: isAdmin ? 1 : 0,
    created_at: now,
    created_by: null,
  });
  const admin = principal('bench_admin', 'user', true);
  await db.insertInto('principals').values(admin).execute();
  const metastore = await catalog.securables.ensureMetastore(admin.id);

  const departments = Array.from({ length: SHAPE.departments }, (_, d) => principal(`dept_${d}`, 'group'));
  const teams = Array.from({ length: SHAPE.teams }, (_, t) => principal(`team_${pad(t, 2)}`, 'group'));
  const users = Array.from({ length: SHAPE.users }, (_, u) => principal(`user_${pad(u, 4)}`, 'user'));

  const membership = (group, member) => ({
    group_id: group.id,
    member_id: member.id,
    created_at: now,
    created_by: admin.id,
  });
  const members = [];
  teams.forEach((team, t) => {
    members.push(membership(departments[t % SHAPE.departments], team));
  });
  users.forEach((user, u) => {
    const team = u % SHAPE.teams;
    members.push(membership(teams[team], user));
    // One user in five is in a second team, of another department: two paths up, overlapping groups.
    if (u % 5 === 0) members.push(membership(teams[(team + 3) % SHAPE.teams], user));
  });

  const securable = (type, fullName, parentId, ownerId) => ({
    id: newId('sec'),
    type,
    full_name: fullName,
    name: fullName.split('.').at(-1),
    parent_id: parentId,
    owner_id: ownerId,
    comment: null,
    details: '{}',
    created_at: now,
    created_by: ownerId,
    updated_at: now,
    updated_by: ownerId,
  });
  const catalogs = [];
  const schemas = [];
  const tables = [];
  for (let c = 0; c < SHAPE.catalogs; c++) {
    const cat = securable('catalog', `c${pad(c, 2)}`, metastore.id, admin.id);
    catalogs.push(cat);
    for (let s = 0; s < SHAPE.schemasPerCatalog; s++) {
      const sch = securable('schema', `${cat.full_name}.s${pad(s, 2)}`, cat.id, admin.id);
      schemas.push(sch);
      for (let t = 0; t < SHAPE.tablesPerSchema; t++) {
        // One table in fifty is owned by a user: the ownership route of the decision.
        const owner = random.below(50) === 0 ? users[random.below(users.length)].id : admin.id;
        tables.push(securable('table', `${sch.full_name}.t${pad(t, 2)}`, sch.id, owner));
      }
    }
  }

  const grants = new Map();
  const grant = (securableRow, principalRow, privilege) => {
    const row = {
      securable_id: securableRow.id,
      principal_id: principalRow.id,
      privilege,
      granted_by: admin.id,
      granted_at: now,
    };
    grants.set(`${row.securable_id}|${row.principal_id}|${privilege}`, row);
  };
  departments.forEach((dept, d) => {
    // Each department reaches four catalogs and reads the whole of the first one.
    for (let k = 0; k < 4; k++) grant(catalogs[(2 * d + k) % SHAPE.catalogs], dept, 'USE CATALOG');
    grant(catalogs[(2 * d) % SHAPE.catalogs], dept, 'USE SCHEMA');
    grant(catalogs[(2 * d) % SHAPE.catalogs], dept, 'SELECT');
    grant(catalogs[(2 * d + 1) % SHAPE.catalogs], dept, 'BROWSE');
  });
  teams.forEach((team, t) => {
    // A team reads a few schemas of its department's other catalogs.
    const d = t % SHAPE.departments;
    for (let k = 0; k < SHAPE.schemasPerTeam; k++) {
      const c = (2 * d + 1 + random.below(3)) % SHAPE.catalogs;
      const schema = schemas[c * SHAPE.schemasPerCatalog + random.below(SHAPE.schemasPerCatalog)];
      grant(schema, team, 'USE SCHEMA');
      grant(schema, team, 'SELECT');
    }
  });
  const directSelects = [];
  users.forEach((user, u) => {
    for (const t of random.distinct(SHAPE.tableGrantsPerUser, tables.length)) {
      const privilege = random.below(4) === 0 ? 'MODIFY' : 'SELECT';
      grant(tables[t], user, privilege);
      if (privilege === 'SELECT') directSelects.push({ user: u, table: t });
    }
    // Direct USE on a random catalog and schema for one user in ten: grants that miss the department.
    if (u % 10 === 0) {
      const c = random.below(SHAPE.catalogs);
      grant(catalogs[c], user, 'USE CATALOG');
      grant(schemas[c * SHAPE.schemasPerCatalog + random.below(SHAPE.schemasPerCatalog)], user, 'USE SCHEMA');
    }
  });

  await db.transaction().execute(async (trx) => {
    await insertAll(trx, 'principals', [...departments, ...teams, ...users]);
    await insertAll(trx, 'group_members', members);
    await insertAll(trx, 'securables', [...catalogs, ...schemas, ...tables]);
    await insertAll(trx, 'grants', [...grants.values()]);
    await bumpGeneration(trx);
  });
  catalog.clock.changed();

  const actor = (row, isAdmin = false) => ({
    principalId: row.id,
    name: row.name,
    kind: 'user',
    isAdmin,
  });
  return {
    admin: actor(admin, true),
    users: users.map((row) => actor(row)),
    tables: tables.map((row) => ({ id: row.id, fullName: row.full_name })),
    /** Direct SELECT grants of a user on a table, as indexes into `users` and `tables`. */
    directSelects,
    grantRows: [...grants.values()].map(({ securable_id, principal_id, privilege }) => ({
      securable_id,
      principal_id,
      privilege,
    })),
    counts: {
      securables: 1 + catalogs.length + schemas.length + tables.length,
      principals: 1 + departments.length + teams.length + users.length,
      memberships: members.length,
      grants: grants.size,
    },
  };
}
