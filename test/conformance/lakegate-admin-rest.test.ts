// Lakegate's additions to the catalog REST API, driven with plain fetch on a real server over each store
// engine: principals, groups and keys (admin only, or admin or self), row filters, masks, tags,
// ownership, lineage that hides what the caller cannot see, and the audit log every change lands in.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Call,
  client,
  LG,
  type Reply,
  startOnEngine,
  UC,
  userWithKey,
} from '../support/catalog-rest.js';
import type { Harness } from '../support/lakegate-harness.js';
import { ENGINES } from '../support/stores.js';

describe.each(ENGINES)('Lakegate catalog additions on $engine', (engine) => {
  let lakegate: Harness;
  let admin: Call;

  beforeAll(async () => {
    if (!engine.available) return;
    lakegate = await startOnEngine(engine);
    admin = client(lakegate.url);
  });

  afterAll(async () => {
    await lakegate?.close();
  });

  const ok = async (reply: Promise<Reply>) => {
    const r = await reply;
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };

  const refused = async (reply: Promise<Reply>, status: number, code: string) => {
    const r = await reply;
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body.error_code).toBe(code);
    return r.body;
  };

  it.runIf(engine.available)('principals and groups: anyone reads, only an admin changes', async () => {
    const user = await ok(
      admin('POST', `${LG}/principals`, { name: 'Dana@Example.com', kind: 'user', display_name: 'Dana' }),
    );
    expect(user).toMatchObject({
      name: 'dana@example.com',
      kind: 'user',
      display_name: 'Dana',
      is_admin: false,
    });
    expect(user.id).toMatch(/^pr_/);
    expect(typeof user.created_at).toBe('number');
    await refused(
      admin('POST', `${LG}/principals`, { name: 'dana@example.com', kind: 'user' }),
      409,
      'ALREADY_EXISTS',
    );
    await refused(admin('POST', `${LG}/principals`, { name: 'x', kind: 'robot' }), 400, 'INVALID_ARGUMENT');
    await refused(
      admin('POST', `${LG}/principals`, { name: 'bad name', kind: 'user' }),
      400,
      'INVALID_ARGUMENT',
    );
    await refused(
      admin('POST', `${LG}/principals`, { name: 'y', kind: 'user', admin: true }),
      400,
      'INVALID_ARGUMENT',
    );
    await ok(admin('POST', `${LG}/principals`, { name: 'claims-team', kind: 'group' }));
    await ok(admin('POST', `${LG}/principals`, { name: 'all-staff', kind: 'group' }));
    await ok(admin('PUT', `${LG}/groups/claims-team/members/dana@example.com`));
    await ok(admin('PUT', `${LG}/groups/all-staff/members/claims-team`));
    await refused(admin('PUT', `${LG}/groups/claims-team/members/all-staff`), 400, 'INVALID_ARGUMENT'); // a cycle
    await refused(admin('PUT', `${LG}/groups/dana@example.com/members/admin`), 400, 'INVALID_ARGUMENT');
    await refused(admin('PUT', `${LG}/groups/claims-team/members/ghost`), 404, 'NOT_FOUND');
    const members = await ok(admin('GET', `${LG}/groups/claims-team/members`));
    expect(members.members.map((m: { name: string }) => m.name)).toEqual(['dana@example.com']);

    const dana = client(
      lakegate.url,
      (await ok(admin('POST', `${LG}/principals/dana@example.com/keys`, {}))).token,
    );
    const me = await ok(dana('GET', `${LG}/me`));
    expect(me).toMatchObject({ name: 'dana@example.com', kind: 'user', is_admin: false });
    expect(me.groups.sort()).toEqual(['all-staff', 'claims-team']);
    expect(
      (await ok(dana('GET', `${LG}/principals?kind=group`))).principals.map((p: { name: string }) => p.name),
    ).toEqual(expect.arrayContaining(['all-staff', 'claims-team']));
    expect(await ok(dana('GET', `${LG}/principals/admin`))).toMatchObject({ name: 'admin', is_admin: true });
    await refused(dana('GET', `${LG}/principals?kind=robot`), 400, 'INVALID_ARGUMENT');
    await refused(dana('GET', `${LG}/principals/nobody`), 404, 'NOT_FOUND');

    // None of the identity changes are a non-admin's to make.
    await refused(dana('POST', `${LG}/principals`, { name: 'eve', kind: 'user' }), 403, 'PERMISSION_DENIED');
    await refused(dana('DELETE', `${LG}/principals/claims-team`), 403, 'PERMISSION_DENIED');
    await refused(dana('PUT', `${LG}/groups/claims-team/members/admin`), 403, 'PERMISSION_DENIED');
    await refused(
      dana('DELETE', `${LG}/groups/claims-team/members/dana@example.com`),
      403,
      'PERMISSION_DENIED',
    );
    await refused(admin('GET', `${LG}/principals/eve`), 404, 'NOT_FOUND');
    expect((await ok(admin('GET', `${LG}/groups/claims-team/members`))).members).toHaveLength(1);

    await ok(admin('DELETE', `${LG}/groups/claims-team/members/dana@example.com`));
    expect((await ok(dana('GET', `${LG}/me`))).groups).toEqual([]);
    await ok(admin('DELETE', `${LG}/principals/claims-team`));
    await refused(admin('GET', `${LG}/principals/claims-team`), 404, 'NOT_FOUND');
    // A principal that owns something must hand it over first.
    await ok(admin('POST', `${LG}/principals`, { name: 'owner1', kind: 'user' }));
    await ok(admin('POST', `${UC}/catalogs`, { name: 'owned' }));
    await ok(admin('PATCH', `${UC}/catalogs/owned`, { owner: 'owner1' }));
    await refused(admin('DELETE', `${LG}/principals/owner1`), 400, 'INVALID_ARGUMENT');
    await refused(admin('DELETE', `${LG}/principals/admin`), 400, 'INVALID_ARGUMENT');
  });

  it.runIf(engine.available)('keys: own or admin; shown once; revoked on the next request', async () => {
    const frank = await userWithKey(admin, 'frank');
    const gina = await userWithKey(admin, 'gina');
    const asFrank = client(lakegate.url, frank.token);
    const asGina = client(lakegate.url, gina.token);

    const second = await ok(
      asFrank('POST', `${LG}/principals/frank/keys`, {
        description: 'laptop',
        expires_at: Date.now() + 86_400_000,
      }),
    );
    expect(second.token.startsWith(`${second.key_id}.`)).toBe(true);
    expect(second.expires_at).toBeGreaterThan(Date.now());
    const iso = await ok(
      asFrank('POST', `${LG}/principals/frank/keys`, {
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        sigv4: false,
      }),
    );
    expect(typeof iso.expires_at).toBe('number');
    await refused(
      asFrank('POST', `${LG}/principals/frank/keys`, { expires_at: '2001-01-01T00:00:00Z' }),
      400,
      'INVALID_ARGUMENT',
    );
    await refused(
      asFrank('POST', `${LG}/principals/frank/keys`, { expires_at: 'tomorrow' }),
      400,
      'INVALID_ARGUMENT',
    );
    await refused(
      asFrank('POST', `${LG}/principals/frank/keys`, { secret: 'mine' }),
      400,
      'INVALID_ARGUMENT',
    );

    const listed = await ok(asFrank('GET', `${LG}/principals/frank/keys`));
    expect(listed.keys.map((k: { key_id: string }) => k.key_id)).toEqual(
      expect.arrayContaining([frank.keyId, second.key_id, iso.key_id]),
    );
    expect(listed.keys.find((k: { key_id: string }) => k.key_id === second.key_id)).toEqual({
      key_id: second.key_id,
      description: 'laptop',
      created_at: expect.any(Number),
      expires_at: second.expires_at,
      revoked_at: null,
    });
    const secretOf = (token: string) => token.slice(token.indexOf('.') + 1);
    expect(JSON.stringify(listed)).not.toContain(secretOf(second.token));
    expect(JSON.stringify(listed)).not.toContain(secretOf(frank.token));

    // Escalation: another principal's keys are not frank's to make, list or revoke.
    await refused(asFrank('POST', `${LG}/principals/gina/keys`, {}), 403, 'PERMISSION_DENIED');
    await refused(asFrank('POST', `${LG}/principals/admin/keys`, {}), 403, 'PERMISSION_DENIED');
    await refused(asFrank('GET', `${LG}/principals/gina/keys`), 403, 'PERMISSION_DENIED');
    await refused(asFrank('GET', `${LG}/principals/admin/keys`), 403, 'PERMISSION_DENIED');
    const foreign = await refused(asFrank('DELETE', `${LG}/keys/${gina.keyId}`), 404, 'NOT_FOUND');
    const unknown = await refused(asFrank('DELETE', `${LG}/keys/lgNOSUCHKEY00000001`), 404, 'NOT_FOUND');
    expect(foreign.message.replace(gina.keyId, 'K')).toBe(
      unknown.message.replace('lgNOSUCHKEY00000001', 'K'),
    );
    expect((await asGina('GET', `${LG}/me`)).status).toBe(200);

    // Revoking takes effect on the very next request, with the key's own holder as the revoker.
    const asSecond = client(lakegate.url, second.token);
    expect((await asSecond('GET', `${LG}/me`)).status).toBe(200);
    expect(await ok(asFrank('DELETE', `${LG}/keys/${second.key_id}`))).toEqual({});
    await refused(asSecond('GET', `${LG}/me`), 401, 'UNAUTHENTICATED');
    expect(await ok(asFrank('DELETE', `${LG}/keys/${second.key_id}`))).toEqual({}); // again: nothing changes
    const after = await ok(asFrank('GET', `${LG}/principals/frank/keys`));
    expect(after.keys.find((k: { key_id: string }) => k.key_id === second.key_id).revoked_at).toEqual(
      expect.any(Number),
    );

    // The admin may revoke anyone's key.
    await ok(admin('DELETE', `${LG}/keys/${gina.keyId}`));
    await refused(asGina('GET', `${LG}/me`), 401, 'UNAUTHENTICATED');
    await refused(admin('POST', `${LG}/principals/ghost/keys`, {}), 404, 'NOT_FOUND');
    await ok(admin('POST', `${LG}/principals`, { name: 'crew', kind: 'group' }));
    await refused(admin('POST', `${LG}/principals/crew/keys`, {}), 400, 'INVALID_ARGUMENT');
  });

  it.runIf(engine.available)('row filters, column masks, tags and ownership', async () => {
    await ok(admin('POST', `${UC}/catalogs`, { name: 'gov' }));
    await ok(admin('POST', `${UC}/schemas`, { name: 's', catalog_name: 'gov' }));
    await ok(
      admin('POST', `${UC}/tables`, {
        name: 'claims',
        catalog_name: 'gov',
        schema_name: 's',
        table_type: 'MANAGED',
        columns: [
          { name: 'id', type_text: 'bigint', type_name: 'LONG', position: 0 },
          { name: 'ssn', type_text: 'string', type_name: 'STRING', position: 1 },
          { name: 'region', type_text: 'string', type_name: 'STRING', position: 2 },
        ],
      }),
    );
    const t = `${LG}/tables/gov.s.claims`;
    expect(await ok(admin('GET', `${t}/policies`))).toEqual({ row_filter: null, column_masks: [] });
    await ok(admin('PUT', `${t}/row-filter`, { expression: "is_member('emea') OR region = 'us'" }));
    await ok(
      admin('PUT', `${t}/column-masks/ssn`, {
        expression: "CASE WHEN is_member('hr') THEN ssn ELSE '***' END",
      }),
    );
    await refused(admin('PUT', `${t}/column-masks/salary`, { expression: "'x'" }), 400, 'INVALID_ARGUMENT');
    await refused(
      admin('PUT', `${t}/row-filter`, { expression: 'true; DROP TABLE x' }),
      400,
      'INVALID_ARGUMENT',
    );
    await refused(admin('PUT', `${t}/row-filter`, { expr: 'true' }), 400, 'INVALID_ARGUMENT');
    await refused(
      admin('PUT', `${LG}/tables/gov.s.nope/row-filter`, { expression: 'true' }),
      404,
      'NOT_FOUND',
    );
    expect(await ok(admin('GET', `${t}/policies`))).toEqual({
      row_filter: { expression: "is_member('emea') OR region = 'us'" },
      column_masks: [{ column: 'ssn', expression: "CASE WHEN is_member('hr') THEN ssn ELSE '***' END" }],
    });

    // A reader sees the policies; a reader cannot drop them; a stranger cannot even see them.
    const reader = await userWithKey(admin, 'reader');
    const asReader = client(lakegate.url, reader.token);
    await refused(asReader('GET', `${t}/policies`), 404, 'NOT_FOUND');
    await ok(
      admin('PATCH', `${UC}/permissions/catalog/gov`, {
        changes: [{ principal: 'reader', add: ['USE_CATALOG', 'USE_SCHEMA', 'SELECT'] }],
      }),
    );
    expect((await ok(asReader('GET', `${t}/policies`))).row_filter).not.toBeNull();
    await refused(asReader('DELETE', `${t}/row-filter`), 403, 'PERMISSION_DENIED');
    await refused(asReader('DELETE', `${t}/column-masks/ssn`), 403, 'PERMISSION_DENIED');
    await refused(
      asReader('PUT', `${LG}/tags/table/gov.s.claims`, { tags: { pii: 'no' } }),
      403,
      'PERMISSION_DENIED',
    );
    await ok(admin('DELETE', `${t}/column-masks/ssn`));
    await ok(admin('DELETE', `${t}/row-filter`));
    expect(await ok(admin('GET', `${t}/policies`))).toEqual({ row_filter: null, column_masks: [] });

    // Tags on the table, on a column, on a model through its UC type name.
    await ok(admin('PUT', `${LG}/tags/table/gov.s.claims`, { tags: { pii: 'true', domain: 'claims' } }));
    await ok(admin('PUT', `${LG}/tags/table/gov.s.claims`, { tags: { class: 'ssn' }, column: 'ssn' }));
    await refused(
      admin('PUT', `${LG}/tags/table/gov.s.claims`, { tags: { k: 'v' }, column: 'salary' }),
      400,
      'INVALID_ARGUMENT',
    );
    await refused(admin('PUT', `${LG}/tags/table/gov.s.claims`, { tags: { k: 1 } }), 400, 'INVALID_ARGUMENT');
    await refused(
      admin('PUT', `${LG}/tags/widget/gov.s.claims`, { tags: { k: 'v' } }),
      400,
      'INVALID_ARGUMENT',
    );
    expect((await ok(asReader('GET', `${LG}/tags/table/gov.s.claims`))).tags).toEqual([
      { key: 'domain', value: 'claims', column: null },
      { key: 'pii', value: 'true', column: null },
      { key: 'class', value: 'ssn', column: 'ssn' },
    ]);
    await refused(admin('DELETE', `${LG}/tags/table/gov.s.claims`), 400, 'INVALID_ARGUMENT');
    await ok(admin('DELETE', `${LG}/tags/table/gov.s.claims?keys=pii,domain`));
    await ok(admin('DELETE', `${LG}/tags/table/gov.s.claims?keys=class&column=ssn`));
    expect((await ok(admin('GET', `${LG}/tags/table/gov.s.claims`))).tags).toEqual([]);
    await ok(admin('POST', `${UC}/models`, { name: 'm', catalog_name: 'gov', schema_name: 's' }));
    await ok(admin('PUT', `${LG}/tags/registered_model/gov.s.m`, { tags: { stage: 'prod' } }));
    expect((await ok(admin('GET', `${LG}/tags/registered_model/gov.s.m`))).tags).toEqual([
      { key: 'stage', value: 'prod', column: null },
    ]);

    // Ownership: to a principal that exists, by those who manage; the new owner then manages.
    await refused(admin('PATCH', `${LG}/ownership/table/gov.s.claims`, { owner: 'ghost' }), 404, 'NOT_FOUND');
    await refused(
      asReader('PATCH', `${LG}/ownership/table/gov.s.claims`, { owner: 'reader' }),
      403,
      'PERMISSION_DENIED',
    );
    expect((await ok(admin('GET', `${UC}/tables/gov.s.claims`))).owner).toBe('admin');
    expect(await ok(admin('PATCH', `${LG}/ownership/table/gov.s.claims`, { owner: 'reader' }))).toEqual({});
    expect((await ok(admin('GET', `${UC}/tables/gov.s.claims`))).owner).toBe('reader');
    await ok(asReader('PUT', `${t}/row-filter`, { expression: 'true' }));
    await ok(asReader('PATCH', `${LG}/ownership/table/gov.s.claims`, { owner: 'admin' }));
    await refused(asReader('PUT', `${t}/row-filter`, { expression: 'false' }), 403, 'PERMISSION_DENIED');
    expect((await ok(admin('GET', `${t}/policies`))).row_filter).toEqual({ expression: 'true' });
  });

  it.runIf(engine.available)(
    'lineage: upstream and downstream, without what the caller cannot see',
    async () => {
      for (const c of ['lin', 'hush']) {
        await ok(admin('POST', `${UC}/catalogs`, { name: c }));
        await ok(admin('POST', `${UC}/schemas`, { name: 's', catalog_name: c }));
      }
      for (const name of ['lin.s.raw', 'lin.s.clean', 'lin.s.report', 'hush.s.hidden']) {
        const [catalog, schema, table] = name.split('.');
        await ok(
          admin('POST', `${UC}/tables`, {
            name: table,
            catalog_name: catalog,
            schema_name: schema,
            table_type: 'MANAGED',
          }),
        );
      }
      const { lineage } = lakegate.server.catalog;
      const edge = (source: string, target: string, extra: Record<string, string> = {}) =>
        lineage.record({
          sourceType: 'table',
          sourceName: source,
          targetType: 'table',
          targetName: target,
          kind: 'CTAS',
          ...extra,
        });
      await edge('lin.s.raw', 'lin.s.clean');
      await edge('hush.s.hidden', 'lin.s.clean');
      await edge('lin.s.clean', 'lin.s.report');
      await edge('lin.s.raw', 'lin.s.clean', { sourceColumn: 'id', targetColumn: 'claim_id' });

      const up = await ok(admin('GET', `${LG}/lineage/table/lin.s.report?direction=upstream&depth=2`));
      expect(up.root).toEqual({ type: 'table', name: 'lin.s.report', depth: 0 });
      expect(up.direction).toBe('upstream');
      expect(up.nodes.map((n: { name: string }) => n.name)).toEqual([
        'lin.s.report',
        'lin.s.clean',
        'hush.s.hidden',
        'lin.s.raw',
      ]);
      expect(up.edges).toContainEqual({
        source_type: 'table',
        source_name: 'lin.s.clean',
        source_column: null,
        target_type: 'table',
        target_name: 'lin.s.report',
        target_column: null,
        kind: 'CTAS',
        at: expect.any(Number),
        count: 1,
      });
      expect(up.truncated).toBe(false);
      const shallow = await ok(admin('GET', `${LG}/lineage/table/lin.s.report?depth=1`));
      expect(shallow.truncated).toBe(true);
      const down = await ok(admin('GET', `${LG}/lineage/table/lin.s.raw?direction=downstream&depth=3`));
      expect(down.nodes.map((n: { name: string }) => n.name)).toEqual([
        'lin.s.raw',
        'lin.s.clean',
        'lin.s.report',
      ]);
      const column = await ok(admin('GET', `${LG}/lineage/table/lin.s.clean?column=claim_id`));
      expect(column.edges).toEqual([
        expect.objectContaining({ source_column: 'id', target_column: 'claim_id' }),
      ]);

      const analyst = await userWithKey(admin, 'analyst');
      const asAnalyst = client(lakegate.url, analyst.token);
      await refused(asAnalyst('GET', `${LG}/lineage/table/lin.s.report`), 404, 'NOT_FOUND');
      await ok(
        admin('PATCH', `${UC}/permissions/catalog/lin`, {
          changes: [{ principal: 'analyst', add: ['USE_CATALOG', 'USE_SCHEMA', 'SELECT'] }],
        }),
      );
      const seen = await ok(asAnalyst('GET', `${LG}/lineage/table/lin.s.report?depth=2`));
      expect(seen.nodes.map((n: { name: string }) => n.name)).toEqual([
        'lin.s.report',
        'lin.s.clean',
        'lin.s.raw',
      ]);
      expect(JSON.stringify(seen)).not.toContain('hush');

      for (const bad of ['direction=sideways', 'depth=0', 'depth=11', 'depth=x']) {
        await refused(admin('GET', `${LG}/lineage/table/lin.s.report?${bad}`), 400, 'INVALID_ARGUMENT');
      }
    },
  );

  it.runIf(engine.available)(
    'the audit log: admin only, every REST change in it, and a chain that verifies',
    async () => {
      const ivan = await userWithKey(admin, 'ivan');
      const asIvan = client(lakegate.url, ivan.token);
      await ok(admin('POST', `${UC}/catalogs`, { name: 'audited' }));
      await ok(
        admin('PATCH', `${UC}/permissions/catalog/audited`, {
          changes: [{ principal: 'ivan', add: ['USE_CATALOG'] }],
        }),
      );
      await ok(admin('PUT', `${LG}/tags/catalog/audited`, { tags: { tier: 'gold' } }));
      await ok(admin('PATCH', `${UC}/catalogs/audited`, { owner: 'ivan' }));

      // Reading the log is refused to everyone else, and the attempts are themselves recorded.
      await refused(asIvan('GET', `${LG}/audit`), 403, 'PERMISSION_DENIED');
      await refused(asIvan('POST', `${LG}/audit/verify`), 403, 'PERMISSION_DENIED');
      await refused(asIvan('POST', `${LG}/principals/admin/keys`, {}), 403, 'PERMISSION_DENIED');

      const records = (await ok(admin('GET', `${LG}/audit?limit=1000`))).records as Array<
        Record<string, unknown>
      >;
      const actions = records.map((r) =>
        [r.principal, r.action, r.securable_name, r.decision].filter((x) => x !== null).join(' '),
      );
      for (const expected of [
        'admin identity.createPrincipal none',
        'admin identity.createKey none',
        'admin catalog.createCatalog audited none',
        'admin catalog.updatePermissions audited none',
        'admin catalog.setTags audited none',
        'admin catalog.transferOwnership audited none',
        'ivan audit.query deny',
        'ivan audit.verify deny',
        'ivan identity.createKey deny',
      ]) {
        expect(actions, expected).toContain(expected);
      }
      const grant = records.find(
        (r) => r.action === 'catalog.updatePermissions' && r.securable_name === 'audited',
      )!;
      expect(grant).toMatchObject({
        securable_type: 'catalog',
        params: { changes: [{ principal: 'ivan', add: ['USE_CATALOG'], remove: [] }] },
        principal_id: expect.stringMatching(/^pr_/),
        at: expect.any(Number),
      });
      // Records are newest first, and no key secret is anywhere in them.
      const seqs = records.map((r) => r.seq as number);
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
      expect(JSON.stringify(records)).not.toContain(ivan.token.slice(ivan.token.indexOf('.') + 1));

      const denied = await ok(admin('GET', `${LG}/audit?principal=ivan&decision=deny`));
      expect(denied.records.length).toBeGreaterThanOrEqual(3);
      for (const r of denied.records)
        expect(r).toMatchObject({ principal: 'ivan', decision: 'deny', request_id: expect.any(String) });
      const page = await ok(admin('GET', `${LG}/audit?limit=2&action=catalog.createCatalog`));
      expect(page.records).toHaveLength(2);
      const next = await ok(
        admin('GET', `${LG}/audit?limit=2&action=catalog.createCatalog&cursor=${page.next_cursor}`),
      );
      expect(next.records[0].seq).toBeLessThan(page.records[1].seq);
      const since = await ok(admin('GET', `${LG}/audit?since=${Date.now() + 60_000}`));
      expect(since.records).toEqual([]);
      for (const bad of ['decision=maybe', 'limit=0', 'limit=5000', 'since=yesterday', 'cursor=abc']) {
        await refused(admin('GET', `${LG}/audit?${bad}`), 400, 'INVALID_ARGUMENT');
      }
      await refused(admin('GET', `${LG}/audit?principal=ghost`), 404, 'NOT_FOUND');

      expect(await ok(admin('POST', `${LG}/audit/verify`))).toEqual({
        ok: true,
        records: expect.any(Number),
      });
    },
  );
});
