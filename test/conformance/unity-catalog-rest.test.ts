// The Unity-Catalog-compatible REST surface, driven with plain fetch on a real server over each store
// engine: CRUD of every object type, grants all-or-nothing, a non-admin who tries to see and do more than
// granted, and bad input that must get a 4xx in UC's shape with nothing half-written.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, client, LG, startOnEngine, UC, userWithKey } from '../support/catalog-rest.js';
import type { Harness } from '../support/lakegate-harness.js';
import { ENGINES } from '../support/stores.js';

describe.each(ENGINES)('Unity Catalog REST on $engine', (engine) => {
  let lakegate: Harness;
  let admin: Call;

  beforeAll(async () => {
    if (!engine.available) return;
    lakegate = await startOnEngine(engine, { server: { maxBodyBytes: 64 * 1024 } });
    admin = client(lakegate.url);
  });

  afterAll(async () => {
    await lakegate?.close();
  });

  const ok = async (reply: Promise<{ status: number; body: unknown }>) => {
    const r = await reply;
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: JSON under test.
    return r.body as any;
  };

  it.runIf(engine.available)('catalogs: create, read, list, change, rename, delete', async () => {
    const created = await ok(
      admin('POST', `${UC}/catalogs`, { name: 'Claims', comment: 'insurance', properties: { team: 'c' } }),
    );
    expect(created).toMatchObject({
      name: 'claims',
      comment: 'insurance',
      properties: { team: 'c' },
      owner: 'admin',
      created_by: 'admin',
    });
    expect(created.id).toMatch(/^cat_/);
    expect(typeof created.created_at).toBe('number');
    expect(Math.abs(created.created_at - Date.now())).toBeLessThan(60_000);

    expect(await ok(admin('GET', `${UC}/catalogs/claims`))).toEqual(created);
    const list = await ok(admin('GET', `${UC}/catalogs`));
    expect(list.catalogs.map((c: { name: string }) => c.name)).toContain('claims');
    expect(list.next_page_token).toBeUndefined();

    const again = await admin('POST', `${UC}/catalogs`, { name: 'claims' });
    expect(again).toMatchObject({ status: 409, body: { error_code: 'ALREADY_EXISTS' } });

    const patched = await ok(
      admin('PATCH', `${UC}/catalogs/claims`, { comment: 'renamed', properties: { tier: 'gold' } }),
    );
    expect(patched).toMatchObject({ comment: 'renamed', properties: { tier: 'gold' } });
    await ok(admin('POST', `${UC}/schemas`, { name: 'raw', catalog_name: 'claims' }));
    const renamed = await ok(admin('PATCH', `${UC}/catalogs/claims`, { new_name: 'claims2' }));
    expect(renamed).toMatchObject({ name: 'claims2', id: created.id });
    expect((await admin('GET', `${UC}/catalogs/claims`)).status).toBe(404);
    // Renames carry down to what is inside.
    expect(await ok(admin('GET', `${UC}/schemas/claims2.raw`))).toMatchObject({ full_name: 'claims2.raw' });

    const notEmpty = await admin('DELETE', `${UC}/catalogs/claims2`);
    expect(notEmpty).toMatchObject({ status: 400, body: { error_code: 'INVALID_ARGUMENT' } });
    expect((await admin('DELETE', `${UC}/catalogs/claims2?force=maybe`)).status).toBe(400);
    expect(await ok(admin('DELETE', `${UC}/catalogs/claims2?force=true`))).toEqual({});
    expect(await admin('GET', `${UC}/catalogs/claims2`)).toMatchObject({
      status: 404,
      body: { error_code: 'NOT_FOUND' },
    });
    expect((await admin('GET', `${UC}/schemas/claims2.raw`)).status).toBe(404);
  });

  it.runIf(engine.available)('schemas, with pages of a listing', async () => {
    await ok(admin('POST', `${UC}/catalogs`, { name: 'paged' }));
    for (const name of ['e', 'b', 'd', 'a', 'c']) {
      const schema = await ok(admin('POST', `${UC}/schemas`, { name, catalog_name: 'paged', comment: name }));
      expect(schema).toMatchObject({
        name,
        catalog_name: 'paged',
        full_name: `paged.${name}`,
        owner: 'admin',
      });
      expect(schema.schema_id).toMatch(/^sch_/);
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = `catalog_name=paged&max_results=2${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
      const page = await ok(admin('GET', `${UC}/schemas?${query}`));
      expect(page.schemas.length).toBeLessThanOrEqual(2);
      seen.push(...page.schemas.map((s: { name: string }) => s.name));
      token = page.next_page_token;
      pages++;
    } while (token);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(pages).toBe(3);

    for (const bad of [
      'max_results=0',
      'max_results=1001',
      'max_results=x',
      'page_token=%25%25',
      'page_token=YR',
    ]) {
      const reply = await admin('GET', `${UC}/schemas?catalog_name=paged&${bad}`);
      expect(reply, bad).toMatchObject({ status: 400, body: { error_code: 'INVALID_ARGUMENT' } });
    }
    expect((await admin('GET', `${UC}/schemas`)).status).toBe(400);
    expect((await admin('GET', `${UC}/schemas?catalog_name=nowhere`)).status).toBe(404);

    const patched = await ok(admin('PATCH', `${UC}/schemas/paged.a`, { comment: null, new_name: 'aa' }));
    expect(patched).toMatchObject({ full_name: 'paged.aa', comment: null });
    expect(await ok(admin('DELETE', `${UC}/schemas/paged.aa`))).toEqual({});
    expect((await admin('GET', `${UC}/schemas/paged.aa`)).status).toBe(404);
  });

  it.runIf(engine.available)('tables and views share one namespace and one listing', async () => {
    await ok(admin('POST', `${UC}/catalogs`, { name: 'tv' }));
    await ok(admin('POST', `${UC}/schemas`, { name: 's', catalog_name: 'tv' }));
    const columns = [
      { name: 'id', type_text: 'bigint', type_name: 'LONG', position: 0, nullable: false },
      { name: 'ssn', type_text: 'string', type_name: 'STRING', position: 1, comment: 'secret' },
    ];
    const table = await ok(
      admin('POST', `${UC}/tables`, {
        name: 'claims',
        catalog_name: 'tv',
        schema_name: 's',
        table_type: 'MANAGED',
        data_source_format: 'PARQUET',
        columns,
        properties: { k: 'v' },
      }),
    );
    expect(table).toMatchObject({
      name: 'claims',
      catalog_name: 'tv',
      schema_name: 's',
      full_name: 'tv.s.claims',
      table_type: 'MANAGED',
      data_source_format: 'PARQUET',
      columns,
      properties: { k: 'v' },
      owner: 'admin',
    });
    expect(table.table_id).toMatch(/^tbl_/);
    const view = await ok(
      admin('POST', `${UC}/tables`, {
        name: 'recent',
        catalog_name: 'tv',
        schema_name: 's',
        table_type: 'VIEW',
        columns: [columns[0]],
      }),
    );
    expect(view).toMatchObject({ full_name: 'tv.s.recent', table_type: 'VIEW' });
    const clash = await admin('POST', `${UC}/tables`, {
      name: 'claims',
      catalog_name: 'tv',
      schema_name: 's',
      table_type: 'VIEW',
    });
    expect(clash).toMatchObject({ status: 409, body: { error_code: 'ALREADY_EXISTS' } });
    const external = await admin('POST', `${UC}/tables`, {
      name: 'ext',
      catalog_name: 'tv',
      schema_name: 's',
      table_type: 'EXTERNAL',
    });
    expect(external).toMatchObject({ status: 400, body: { error_code: 'INVALID_ARGUMENT' } });
    expect(external.body.message).toContain('storage_location');

    const list = await ok(admin('GET', `${UC}/tables?catalog_name=tv&schema_name=s`));
    expect(list.tables.map((t: { name: string; table_type: string }) => [t.name, t.table_type])).toEqual([
      ['claims', 'MANAGED'],
      ['recent', 'VIEW'],
    ]);
    expect(await ok(admin('GET', `${UC}/tables/tv.s.recent`))).toMatchObject({ table_type: 'VIEW' });
    // Permissions on a view through the UC type `table`.
    await ok(admin('POST', `${LG}/principals`, { name: 'viewer', kind: 'user' }));
    const grants = await ok(
      admin('PATCH', `${UC}/permissions/table/tv.s.recent`, {
        changes: [{ principal: 'viewer', add: ['SELECT'] }],
      }),
    );
    expect(grants.privilege_assignments).toEqual([{ principal: 'viewer', privileges: ['SELECT'] }]);
    expect(await ok(admin('DELETE', `${UC}/tables/tv.s.recent`))).toEqual({});
    expect(await admin('GET', `${UC}/tables/tv.s.recent`)).toMatchObject({
      status: 404,
      body: {
        error_code: 'NOT_FOUND',
        message: "Table 'tv.s.recent' does not exist or you do not have permission.",
      },
    });
    expect((await admin('GET', `${UC}/tables?catalog_name=tv`)).status).toBe(400);
  });

  it.runIf(engine.available)('volumes and functions', async () => {
    await ok(admin('POST', `${UC}/catalogs`, { name: 'vf' }));
    await ok(admin('POST', `${UC}/schemas`, { name: 's', catalog_name: 'vf' }));
    const volume = await ok(
      admin('POST', `${UC}/volumes`, {
        name: 'docs',
        catalog_name: 'vf',
        schema_name: 's',
        volume_type: 'EXTERNAL',
        storage_location: 's3://bucket/docs',
        comment: 'policy pdfs',
      }),
    );
    expect(volume).toMatchObject({
      full_name: 'vf.s.docs',
      volume_type: 'EXTERNAL',
      storage_location: 's3://bucket/docs',
      owner: 'admin',
    });
    expect(volume.volume_id).toMatch(/^vol_/);
    expect(
      (
        await admin('POST', `${UC}/volumes`, {
          name: 'x',
          catalog_name: 'vf',
          schema_name: 's',
          volume_type: 'EXTERNAL',
        })
      ).status,
    ).toBe(400);
    const renamed = await ok(admin('PATCH', `${UC}/volumes/vf.s.docs`, { new_name: 'pdfs', comment: 'c' }));
    expect(renamed).toMatchObject({ full_name: 'vf.s.pdfs', comment: 'c', volume_type: 'EXTERNAL' });
    const volumes = await ok(admin('GET', `${UC}/volumes?catalog_name=vf&schema_name=s`));
    expect(volumes.volumes.map((v: { name: string }) => v.name)).toEqual(['pdfs']);
    expect(await ok(admin('DELETE', `${UC}/volumes/vf.s.pdfs`))).toEqual({});
    expect((await admin('GET', `${UC}/volumes/vf.s.pdfs`)).status).toBe(404);

    const functionInfo = {
      name: 'mask_ssn',
      catalog_name: 'vf',
      schema_name: 's',
      input_params: { parameters: [{ name: 'ssn', type_text: 'string', type_name: 'STRING', position: 0 }] },
      data_type: 'STRING',
      full_data_type: 'string',
      routine_body: 'SQL',
      routine_definition: "concat('***', right(ssn, 4))",
      is_deterministic: true,
      comment: 'masks',
    };
    const fn = await ok(admin('POST', `${UC}/functions`, { function_info: functionInfo }));
    expect(fn).toMatchObject({ ...functionInfo, full_name: 'vf.s.mask_ssn', owner: 'admin' });
    expect(fn.function_id).toMatch(/^fn_/);
    expect(await ok(admin('GET', `${UC}/functions/vf.s.mask_ssn`))).toEqual(fn);
    const functions = await ok(admin('GET', `${UC}/functions?catalog_name=vf&schema_name=s`));
    expect(functions.functions).toHaveLength(1);
    const unknown = await admin('POST', `${UC}/functions`, {
      function_info: { ...functionInfo, name: 'f2', sneaky: 1 },
    });
    expect(unknown).toMatchObject({ status: 400, body: { error_code: 'INVALID_ARGUMENT' } });
    expect((await admin('GET', `${UC}/functions/vf.s.f2`)).status).toBe(404);
    expect(await ok(admin('DELETE', `${UC}/functions/vf.s.mask_ssn`))).toEqual({});
    expect((await admin('GET', `${UC}/functions/vf.s.mask_ssn`)).status).toBe(404);
  });

  it.runIf(engine.available)('registered models, versions and aliases', async () => {
    await ok(admin('POST', `${UC}/catalogs`, { name: 'ml' }));
    await ok(admin('POST', `${UC}/schemas`, { name: 's', catalog_name: 'ml' }));
    const model = await ok(
      admin('POST', `${UC}/models`, { name: 'fraud', catalog_name: 'ml', schema_name: 's', comment: 'v0' }),
    );
    expect(model).toMatchObject({ full_name: 'ml.s.fraud', aliases: [], owner: 'admin', comment: 'v0' });
    const v1 = await ok(
      admin('POST', `${UC}/models/versions`, {
        catalog_name: 'ml',
        schema_name: 's',
        model_name: 'fraud',
        source: 'bedrock/anthropic.claude',
      }),
    );
    expect(v1).toMatchObject({
      model_name: 'fraud',
      catalog_name: 'ml',
      schema_name: 's',
      version: 1,
      source: 'bedrock/anthropic.claude',
      status: 'READY',
      created_by: 'admin',
    });
    const v2 = await ok(
      admin('POST', `${UC}/models/versions`, { catalog_name: 'ml', schema_name: 's', model_name: 'fraud' }),
    );
    expect(v2.version).toBe(2);
    expect(await ok(admin('PUT', `${UC}/models/ml.s.fraud/aliases/Champion`, { version_num: 1 }))).toEqual({
      alias_name: 'champion',
      version_num: 1,
    });
    expect(await admin('PUT', `${UC}/models/ml.s.fraud/aliases/ghost`, { version_num: 9 })).toMatchObject({
      status: 404,
      body: { error_code: 'NOT_FOUND' },
    });
    const read = await ok(admin('GET', `${UC}/models/ml.s.fraud`));
    expect(read.aliases).toEqual([{ alias_name: 'champion', version_num: 1 }]);
    const versions = await ok(admin('GET', `${UC}/models/ml.s.fraud/versions?max_results=1`));
    expect(versions.model_versions.map((v: { version: number }) => v.version)).toEqual([1]);
    const rest = await ok(
      admin(
        'GET',
        `${UC}/models/ml.s.fraud/versions?page_token=${encodeURIComponent(versions.next_page_token)}`,
      ),
    );
    expect(rest.model_versions.map((v: { version: number }) => v.version)).toEqual([2]);
    expect(await ok(admin('GET', `${UC}/models/ml.s.fraud/versions/1`))).toMatchObject({
      version: 1,
      aliases: [{ alias_name: 'champion', version_num: 1 }],
    });
    expect((await admin('GET', `${UC}/models/ml.s.fraud/versions/x1`)).status).toBe(400);
    expect((await admin('GET', `${UC}/models/ml.s.fraud/versions/7`)).status).toBe(404);
    expect(await ok(admin('PUT', `${UC}/models/ml.s.fraud/aliases/challenger`, { version_num: 2 }))).toEqual({
      alias_name: 'challenger',
      version_num: 2,
    });
    // Deleting a version takes the aliases that point at it along; the others stay.
    expect(await ok(admin('DELETE', `${UC}/models/ml.s.fraud/versions/2`))).toEqual({});
    expect((await admin('GET', `${UC}/models/ml.s.fraud/versions/2`)).status).toBe(404);
    expect((await admin('DELETE', `${UC}/models/ml.s.fraud/versions/2`)).status).toBe(404);
    expect((await ok(admin('GET', `${UC}/models/ml.s.fraud`))).aliases).toEqual([
      { alias_name: 'champion', version_num: 1 },
    ]);
    expect(await ok(admin('DELETE', `${UC}/models/ml.s.fraud/aliases/champion`))).toEqual({});
    expect((await ok(admin('GET', `${UC}/models/ml.s.fraud`))).aliases).toEqual([]);

    const models = await ok(admin('GET', `${UC}/models?catalog_name=ml&schema_name=s`));
    expect(models.registered_models.map((m: { full_name: string }) => m.full_name)).toEqual(['ml.s.fraud']);
    expect(await ok(admin('PATCH', `${UC}/models/ml.s.fraud`, { comment: 'v2' }))).toMatchObject({
      comment: 'v2',
    });
    const perms = await ok(
      admin('PATCH', `${UC}/permissions/registered_model/ml.s.fraud`, {
        changes: [{ principal: 'admin', add: ['EXECUTE'] }],
      }),
    );
    expect(perms.privilege_assignments).toEqual([{ principal: 'admin', privileges: ['EXECUTE'] }]);
    expect(await ok(admin('DELETE', `${UC}/models/ml.s.fraud`))).toEqual({});
    expect((await admin('GET', `${UC}/models/ml.s.fraud`)).status).toBe(404);
    expect((await admin('GET', `${UC}/models/ml.s.fraud/versions/1`)).status).toBe(404);
  });

  it.runIf(engine.available)(
    'permissions: UC spelling out, either spelling in, all changes or none',
    async () => {
      await ok(admin('POST', `${UC}/catalogs`, { name: 'perm' }));
      await ok(admin('POST', `${LG}/principals`, { name: 'ann', kind: 'user' }));
      await ok(admin('POST', `${LG}/principals`, { name: 'readers', kind: 'group' }));
      const after = await ok(
        admin('PATCH', `${UC}/permissions/catalog/perm`, {
          changes: [
            { principal: 'ann', add: ['USE_CATALOG', 'use schema', 'SELECT'] },
            { principal: 'Readers', add: ['BROWSE'] },
          ],
        }),
      );
      expect(after.privilege_assignments).toEqual([
        { principal: 'ann', privileges: ['SELECT', 'USE_CATALOG', 'USE_SCHEMA'] },
        { principal: 'readers', privileges: ['BROWSE'] },
      ]);
      expect(await ok(admin('GET', `${UC}/permissions/catalog/perm?principal=ann`))).toEqual({
        privilege_assignments: [{ principal: 'ann', privileges: ['SELECT', 'USE_CATALOG', 'USE_SCHEMA'] }],
      });

      // Each of these fails as a whole: the first change alone would have been fine.
      const failures: Array<[unknown, number, string]> = [
        [
          {
            changes: [
              { principal: 'ann', remove: ['SELECT'] },
              { principal: 'nobody', add: ['SELECT'] },
            ],
          },
          404,
          'NOT_FOUND',
        ],
        [
          {
            changes: [
              { principal: 'ann', remove: ['SELECT'] },
              { principal: 'ann', add: ['EXECUTE_ALL'] },
            ],
          },
          400,
          'INVALID_ARGUMENT',
        ],
        // CREATE CATALOG is a metastore privilege, not a catalog one.
        [
          {
            changes: [
              { principal: 'ann', remove: ['SELECT'] },
              { principal: 'ann', add: ['CREATE_CATALOG'] },
            ],
          },
          400,
          'INVALID_ARGUMENT',
        ],
        [{ changes: [{ principal: 'ann', remove: ['SELECT'], grant: ['x'] }] }, 400, 'INVALID_ARGUMENT'],
        [{ changes: [{ principal: 'ann', add: ['SELECT'], remove: ['SELECT'] }] }, 400, 'INVALID_ARGUMENT'],
        [{ changes: 'all' }, 400, 'INVALID_ARGUMENT'],
      ];
      for (const [body, status, code] of failures) {
        const reply = await admin('PATCH', `${UC}/permissions/catalog/perm`, body);
        expect(reply, JSON.stringify(body)).toMatchObject({ status, body: { error_code: code } });
      }
      expect((await ok(admin('GET', `${UC}/permissions/catalog/perm`))).privilege_assignments).toEqual(
        after.privilege_assignments,
      );

      const metastore = await ok(
        admin('PATCH', `${UC}/permissions/metastore/metastore`, {
          changes: [{ principal: 'ann', add: ['CREATE_CATALOG'] }],
        }),
      );
      expect(metastore.privilege_assignments).toContainEqual({
        principal: 'ann',
        privileges: ['CREATE_CATALOG'],
      });
      for (const type of ['catalogs', 'model', 'TABLE', 'securable']) {
        const reply = await admin('GET', `${UC}/permissions/${type}/perm`);
        if (type === 'model')
          expect(reply.status).toBe(400); // a catalog name is not a model name
        else expect(reply, type).toMatchObject({ status: 400, body: { error_code: 'INVALID_ARGUMENT' } });
      }
      expect(await admin('GET', `${UC}/permissions/schema/perm.none`)).toMatchObject({ status: 404 });
    },
  );

  it.runIf(engine.available)(
    'a non-admin sees and does only what was granted, and cannot escalate',
    async () => {
      await ok(admin('POST', `${UC}/catalogs`, { name: 'secret' }));
      await ok(admin('POST', `${UC}/schemas`, { name: 's', catalog_name: 'secret' }));
      await ok(admin('POST', `${UC}/catalogs`, { name: 'open' }));
      const bob = await userWithKey(admin, 'bob@example.com');
      const carol = await userWithKey(admin, 'carol');
      const asBob = client(lakegate.url, bob.token);

      // Invisible is indistinguishable from missing.
      const hidden = await asBob('GET', `${UC}/catalogs/secret`);
      const missing = await asBob('GET', `${UC}/catalogs/nosuch`);
      expect(hidden.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(JSON.stringify(hidden.body).replace('secret', 'X')).toBe(
        JSON.stringify(missing.body).replace('nosuch', 'X'),
      );
      expect(hidden.body).toEqual({
        error_code: 'NOT_FOUND',
        message: "Catalog 'secret' does not exist or you do not have permission.",
      });
      for (const path of ['schemas/secret.s', 'permissions/catalog/secret', 'schemas?catalog_name=secret']) {
        expect((await asBob('GET', `${UC}/${path}`)).status, path).toBe(404);
      }
      expect((await ok(asBob('GET', `${UC}/catalogs`))).catalogs).toEqual([]);
      expect(await asBob('DELETE', `${UC}/catalogs/secret`)).toMatchObject({ status: 404 });
      expect(await asBob('PATCH', `${UC}/catalogs/secret`, { owner: 'bob@example.com' })).toMatchObject({
        status: 404,
      });
      expect(
        await asBob('PATCH', `${UC}/permissions/catalog/secret`, {
          changes: [{ principal: 'bob@example.com', add: ['MANAGE'] }],
        }),
      ).toMatchObject({ status: 404 });

      // Seeing is not doing: USE CATALOG alone gives 403 on creating a schema, changing or deleting.
      await ok(
        admin('PATCH', `${UC}/permissions/catalog/open`, {
          changes: [{ principal: 'bob@example.com', add: ['USE_CATALOG'] }],
        }),
      );
      expect(await ok(asBob('GET', `${UC}/catalogs/open`))).toMatchObject({ name: 'open', owner: 'admin' });
      expect(
        (await ok(asBob('GET', `${UC}/catalogs`))).catalogs.map((c: { name: string }) => c.name),
      ).toEqual(['open']);
      const noCreate = await asBob('POST', `${UC}/schemas`, { name: 'mine', catalog_name: 'open' });
      expect(noCreate).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
      expect(noCreate.body.message).toContain('CREATE SCHEMA');
      expect(await asBob('PATCH', `${UC}/catalogs/open`, { comment: 'x' })).toMatchObject({ status: 403 });
      expect(await asBob('DELETE', `${UC}/catalogs/open`)).toMatchObject({ status: 403 });
      // Self-granting anything, MANAGE included, needs management of the catalog.
      for (const privilege of ['MANAGE', 'CREATE_SCHEMA', 'ALL_PRIVILEGES']) {
        const reply = await asBob('PATCH', `${UC}/permissions/catalog/open`, {
          changes: [{ principal: 'bob@example.com', add: [privilege] }],
        });
        expect(reply, privilege).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
      }
      // The metastore is not bob's to see, let alone to grant on.
      const onMetastore = await asBob('PATCH', `${UC}/permissions/metastore/metastore`, {
        changes: [{ principal: 'bob@example.com', add: ['CREATE_CATALOG'] }],
      });
      expect([403, 404]).toContain(onMetastore.status);
      expect(
        (await ok(admin('GET', `${UC}/permissions/metastore/metastore?principal=bob@example.com`)))
          .privilege_assignments,
      ).toEqual([]);
      expect(await asBob('POST', `${UC}/catalogs`, { name: 'bobs' })).toMatchObject({
        status: 403,
        body: { error_code: 'PERMISSION_DENIED' },
      });
      expect(
        await asBob('PATCH', `${LG}/ownership/catalog/open`, { owner: 'bob@example.com' }),
      ).toMatchObject({
        status: 403,
      });
      expect((await ok(admin('GET', `${UC}/catalogs/open`))).owner).toBe('admin');

      // CREATE SCHEMA without USE CATALOG is not enough either; with both, bob creates and owns the schema.
      await ok(
        admin('PATCH', `${UC}/permissions/catalog/open`, {
          changes: [{ principal: 'bob@example.com', add: ['CREATE_SCHEMA'], remove: ['USE_CATALOG'] }],
        }),
      );
      expect(await asBob('POST', `${UC}/schemas`, { name: 'mine', catalog_name: 'open' })).toMatchObject({
        status: 403,
      });
      await ok(
        admin('PATCH', `${UC}/permissions/catalog/open`, {
          changes: [{ principal: 'bob@example.com', add: ['USE_CATALOG'] }],
        }),
      );
      const mine = await ok(asBob('POST', `${UC}/schemas`, { name: 'mine', catalog_name: 'open' }));
      expect(mine).toMatchObject({ full_name: 'open.mine', owner: 'bob@example.com' });
      // An owner grants on what it owns, but not on its parent.
      const granted = await ok(
        asBob('PATCH', `${UC}/permissions/schema/open.mine`, {
          changes: [{ principal: 'carol', add: ['USE_SCHEMA'] }],
        }),
      );
      expect(granted.privilege_assignments).toEqual([{ principal: 'carol', privileges: ['USE_SCHEMA'] }]);
      expect(
        await asBob('PATCH', `${UC}/permissions/catalog/open`, {
          changes: [{ principal: 'carol', add: ['USE_CATALOG'] }],
        }),
      ).toMatchObject({ status: 403 });

      // A revoke bites on the very next request.
      await ok(
        admin('PATCH', `${UC}/permissions/catalog/open`, {
          changes: [{ principal: 'bob@example.com', remove: ['USE_CATALOG', 'CREATE_SCHEMA'] }],
        }),
      );
      expect((await asBob('GET', `${UC}/catalogs/open`)).status).toBe(404);
      // Bob still owns (and sees) his schema, but cannot reach inside it without USE CATALOG.
      expect((await asBob('GET', `${UC}/schemas/open.mine`)).status).toBe(200);
      const inside = await asBob('POST', `${UC}/volumes`, {
        name: 'v',
        catalog_name: 'open',
        schema_name: 'mine',
        volume_type: 'MANAGED',
      });
      expect(inside).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
      expect(inside.body.message).toContain('USE CATALOG');

      // A group's grant reaches its members, and leaving the group takes it away.
      await ok(admin('POST', `${LG}/principals`, { name: 'analysts', kind: 'group' }));
      await ok(admin('PUT', `${LG}/groups/analysts/members/bob@example.com`));
      await ok(
        admin('PATCH', `${UC}/permissions/catalog/secret`, {
          changes: [{ principal: 'analysts', add: ['USE_CATALOG'] }],
        }),
      );
      expect((await asBob('GET', `${UC}/catalogs/secret`)).status).toBe(200);
      await ok(admin('DELETE', `${LG}/groups/analysts/members/bob@example.com`));
      expect((await asBob('GET', `${UC}/catalogs/secret`)).status).toBe(404);
      expect(carol.token).not.toBe(bob.token);
    },
  );

  it.runIf(engine.available)(
    'QUERY on a serving endpoint, granted through REST, lets a principal call the model',
    async () => {
      const svc = await userWithKey(admin, 'svc-bot', 'service');
      const chat = () =>
        fetch(`${lakegate.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${svc.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'local/extractive',
            messages: [{ role: 'user', content: 'The fee is 5 EUR. Fee?' }],
          }),
        });
      expect((await chat()).status).toBe(404);
      await ok(
        admin('PATCH', `${UC}/permissions/serving_endpoint/local`, {
          changes: [{ principal: 'svc-bot', add: ['QUERY'] }],
        }),
      );
      expect((await chat()).status).toBe(200);
      await ok(
        admin('PATCH', `${UC}/permissions/serving_endpoint/local`, {
          changes: [{ principal: 'svc-bot', remove: ['QUERY'] }],
        }),
      );
      expect((await chat()).status).toBe(404);
    },
  );

  it.runIf(engine.available)('bad input gets a 4xx in UC shape, and nothing is half-written', async () => {
    await ok(admin('POST', `${UC}/catalogs`, { name: 'strict', comment: 'before' }));
    const cases: Array<[string, string, string, unknown, number, string]> = [
      ['malformed JSON', 'POST', '/catalogs', '{"name": "x"', 400, 'INVALID_ARGUMENT'],
      ['empty body', 'POST', '/catalogs', '', 400, 'INVALID_ARGUMENT'],
      ['array body', 'POST', '/catalogs', '[]', 400, 'INVALID_ARGUMENT'],
      [
        'unknown field',
        'POST',
        '/catalogs',
        { name: 'x_unknown', storage_root: 's3://x' },
        400,
        'INVALID_ARGUMENT',
      ],
      ['bad name', 'POST', '/catalogs', { name: 'no spaces' }, 400, 'INVALID_ARGUMENT'],
      ['leading digit', 'POST', '/catalogs', { name: '1abc' }, 400, 'INVALID_ARGUMENT'],
      ['dotted name', 'POST', '/schemas', { name: 'a.b', catalog_name: 'strict' }, 400, 'INVALID_ARGUMENT'],
      [
        'dotted catalog',
        'POST',
        '/schemas',
        { name: 'b', catalog_name: 'strict.a' },
        400,
        'INVALID_ARGUMENT',
      ],
      ['number name', 'POST', '/catalogs', { name: 42 }, 400, 'INVALID_ARGUMENT'],
      [
        'properties not strings',
        'POST',
        '/catalogs',
        { name: 'p1', properties: { a: 1 } },
        400,
        'INVALID_ARGUMENT',
      ],
      [
        'bad table type',
        'POST',
        '/tables',
        { name: 't', catalog_name: 'strict', schema_name: 's', table_type: 'TEMP' },
        400,
        'INVALID_ARGUMENT',
      ],
      [
        'no such schema',
        'POST',
        '/tables',
        { name: 't', catalog_name: 'strict', schema_name: 'nope', table_type: 'MANAGED' },
        404,
        'NOT_FOUND',
      ],
      ['unknown owner', 'PATCH', '/catalogs/strict', { comment: 'after', owner: 'ghost' }, 404, 'NOT_FOUND'],
      [
        'unknown PATCH field',
        'PATCH',
        '/catalogs/strict',
        { comment: 'after', color: 'red' },
        400,
        'INVALID_ARGUMENT',
      ],
      [
        'rename to a bad name',
        'PATCH',
        '/catalogs/strict',
        { comment: 'after', new_name: 'bad-name' },
        400,
        'INVALID_ARGUMENT',
      ],
      ['long comment', 'PATCH', '/catalogs/strict', { comment: 'x'.repeat(5000) }, 400, 'INVALID_ARGUMENT'],
      ['bad name in path', 'GET', '/catalogs/a%20b', undefined, 400, 'INVALID_ARGUMENT'],
      ['bad full name in path', 'GET', '/tables/a.b', undefined, 400, 'INVALID_ARGUMENT'],
      ['unknown route', 'GET', '/warehouses', undefined, 404, 'NOT_FOUND'],
      ['wrong method', 'PUT', '/catalogs', { name: 'x' }, 405, 'METHOD_NOT_ALLOWED'],
      [
        'oversize body',
        'POST',
        '/catalogs',
        { name: 'big', comment: 'x'.repeat(70_000) },
        413,
        'PAYLOAD_TOO_LARGE',
      ],
    ];
    for (const [what, method, path, body, status, code] of cases) {
      const reply = await admin(method, `${UC}${path}`, body);
      expect(reply.status, what).toBe(status);
      expect(Object.keys(reply.body).sort(), what).toEqual(['error_code', 'message']);
      expect(reply.body.error_code, what).toBe(code);
    }
    const catalogs = (await ok(admin('GET', `${UC}/catalogs`))).catalogs.map((c: { name: string }) => c.name);
    for (const name of ['x', 'x_unknown', '1abc', 'p1', 'big']) expect(catalogs).not.toContain(name);
    expect(await ok(admin('GET', `${UC}/catalogs/strict`))).toMatchObject({
      name: 'strict',
      comment: 'before',
      owner: 'admin',
    });
    expect((await ok(admin('GET', `${UC}/schemas?catalog_name=strict`))).schemas).toEqual([]);

    const anonymous = client(lakegate.url, null);
    expect(await anonymous('GET', `${UC}/catalogs`)).toMatchObject({
      status: 401,
      body: { error_code: 'UNAUTHENTICATED' },
    });
    const forged = client(lakegate.url, 'lgNOSUCHKEY00000001.secret-secret-secret-secret');
    expect(await forged('GET', `${UC}/catalogs`)).toMatchObject({
      status: 401,
      body: { error_code: 'UNAUTHENTICATED' },
    });
    expect((await fetch(`${lakegate.url}/health`)).status).toBe(200);
  });
});
