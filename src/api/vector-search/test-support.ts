// A real Lakegate with a governed claims table for the vector-search suites, built only through the REST
// surfaces: groups north/south/auditors, a row filter (each team its region, auditors everything), a mask
// on `ssn`, an owner (an auditor) with a key, and the index created over HTTP with the real `local/embed`.

import { type Call, client, LG, UC, userWithKey } from '../../../test/support/catalog-rest.js';
import { type Harness, startLakegate } from '../../../test/support/lakegate-harness.js';
import { TABLES_PREFIX } from '../tables/table-data-routes.js';
import { VECTOR_SEARCH_PREFIX } from './vector-search-routes.js';

export const VS = VECTOR_SEARCH_PREFIX;
export const TABLE = 'ins.claims.notes';
export const INDEX = 'ins.claims.notes_idx';

export interface ClaimRow {
  id: number;
  region: 'north' | 'south';
  note: string;
  ssn: string;
  amount: number;
}

/** 24 south rows about floods, 8 north rows: 3 floods, 5 about fire. */
export function claimRows(): ClaimRow[] {
  return Array.from({ length: 32 }, (_, i) => {
    const id = i + 1;
    const north = id > 24;
    const note = !north
      ? `Basement flood ${id}: river water damaged the furnace and the carpets`
      : id <= 27
        ? `Flooded basement ${id} after a storm drain overflowed`
        : `Kitchen fire ${id}: smoke damage and a burnt cabinet`;
    return { id, region: north ? 'north' : 'south', note, ssn: `SSN-${1000 + id}`, amount: id * 10 };
  });
}

export interface VectorWorld {
  lakegate: Harness;
  admin: Call;
  /** Callers by name: owner (auditors), nora (north), sam (south), quinn (north, no SELECT on the table). */
  as: Record<'owner' | 'nora' | 'sam' | 'quinn' | 'stranger', Call>;
  grant(name: string, type: string, fullName: string, ...privileges: string[]): Promise<void>;
  revoke(name: string, type: string, fullName: string, ...privileges: string[]): Promise<void>;
  /** Waits until the index reports no running sync. */
  settled(index?: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function ok<T = Record<string, unknown>>(
  reply: Promise<{ status: number; body: unknown }>,
): Promise<T> {
  const r = await reply;
  if (r.status !== 200) throw new Error(`${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as T;
}

export async function startVectorWorld(): Promise<VectorWorld> {
  const lakegate = await startLakegate();
  const admin = client(lakegate.url);
  const change =
    (key: 'add' | 'remove') =>
    async (name: string, type: string, fullName: string, ...privileges: string[]) => {
      await ok(
        admin('PATCH', `${UC}/permissions/${type}/${fullName}`, {
          changes: [{ principal: name, [key]: privileges }],
        }),
      );
    };
  const grant = change('add');
  for (const group of ['auditors', 'north', 'south'])
    await ok(admin('POST', `${LG}/principals`, { name: group, kind: 'group' }));
  const users = {
    owner: await userWithKey(admin, 'olga'),
    nora: await userWithKey(admin, 'nora'),
    sam: await userWithKey(admin, 'sam'),
    quinn: await userWithKey(admin, 'quinn'),
    stranger: await userWithKey(admin, 'stranger'),
  };
  for (const [group, member] of [
    ['auditors', 'olga'],
    ['north', 'nora'],
    ['south', 'sam'],
    ['north', 'quinn'],
  ]) {
    await ok(admin('PUT', `${LG}/groups/${group}/members/${member}`));
  }
  await ok(admin('POST', `${UC}/catalogs`, { name: 'ins' }));
  await ok(admin('POST', `${UC}/schemas`, { name: 'claims', catalog_name: 'ins' }));
  await ok(
    admin('POST', `${UC}/tables`, {
      name: 'notes',
      catalog_name: 'ins',
      schema_name: 'claims',
      table_type: 'MANAGED',
      columns: [
        { name: 'id', type_text: 'bigint', type_name: 'LONG', position: 0 },
        { name: 'region', type_text: 'string', type_name: 'STRING', position: 1 },
        { name: 'note', type_text: 'string', type_name: 'STRING', position: 2 },
        { name: 'ssn', type_text: 'string', type_name: 'STRING', position: 3 },
        { name: 'amount', type_text: 'double', type_name: 'DOUBLE', position: 4 },
      ],
    }),
  );
  await ok(admin('POST', `${TABLES_PREFIX}/${TABLE}/rows`, { mode: 'append', rows: claimRows() }));
  await ok(
    admin('PUT', `${LG}/tables/${TABLE}/row-filter`, {
      expression: `is_member('auditors') OR (region = 'north' AND is_member('north')) OR (region = 'south' AND is_member('south'))`,
    }),
  );
  await ok(
    admin('PUT', `${LG}/tables/${TABLE}/column-masks/ssn`, {
      expression: `CASE WHEN is_member('auditors') THEN ssn ELSE '***' END`,
    }),
  );
  for (const name of ['olga', 'nora', 'sam', 'quinn', 'stranger']) {
    // Everyone may embed with the built-in model (queries are embedded as the caller).
    await grant(name, 'serving_endpoint', 'local', 'QUERY');
  }
  for (const name of ['olga', 'nora', 'sam', 'quinn']) {
    await grant(name, 'catalog', 'ins', 'USE_CATALOG');
    await grant(name, 'schema', 'ins.claims', 'USE_SCHEMA');
  }
  await grant('olga', 'schema', 'ins.claims', 'CREATE_TABLE', 'SELECT');
  for (const name of ['nora', 'sam']) await grant(name, 'table', TABLE, 'SELECT');
  const as = Object.fromEntries(
    Object.entries(users).map(([role, user]) => [role, client(lakegate.url, user.token)]),
  ) as VectorWorld['as'];
  const world: VectorWorld = {
    lakegate,
    admin,
    as,
    grant,
    revoke: change('remove'),
    async settled(index = INDEX) {
      for (let i = 0; i < 400; i++) {
        const info = await ok(as.owner('GET', `${VS}/indexes/${index}`));
        const sync = info.sync_status as { state: string };
        if (sync.state !== 'SYNCING') return info;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('the index did not settle');
    },
    close: () => lakegate.close(),
  };
  return world;
}

/** Creates the claims index as the owner and waits for its first sync; grants QUERY to the three readers. */
export async function createClaimsIndex(world: VectorWorld): Promise<Record<string, unknown>> {
  const created = await ok(
    world.as.owner('POST', `${VS}/indexes`, {
      name: INDEX,
      endpoint_name: 'claims-endpoint',
      primary_key: 'id',
      index_type: 'DELTA_SYNC',
      delta_sync_index_spec: {
        source_table: TABLE,
        pipeline_type: 'TRIGGERED',
        embedding_source_columns: [{ name: 'note', embedding_model_endpoint_name: 'local/embed' }],
        columns_to_sync: ['region', 'ssn', 'amount'],
      },
    }),
  );
  for (const name of ['nora', 'sam', 'quinn']) await world.grant(name, 'vector_index', INDEX, 'QUERY');
  await world.settled();
  return created;
}
