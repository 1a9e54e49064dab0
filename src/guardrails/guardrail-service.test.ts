import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openFreshStore } from '../../test/support/stores.js';
import { type Actor, type Catalog, openCatalog } from '../catalog/index.js';
import { GuardrailService } from './guardrail-service.js';
import { localEmbed } from './test-support.js';

const POLICY = {
  blockedInputMessaging: 'Blocked input.',
  blockedOutputsMessaging: 'Blocked output.',
  sensitiveInformationPolicyConfig: { piiEntitiesConfig: [{ type: 'EMAIL', action: 'ANONYMIZE' }] },
};

describe.each(ENGINES)('GuardrailService on $engine', (engine) => {
  let store: Awaited<ReturnType<typeof openFreshStore>>;
  let catalog: Catalog;
  let service: GuardrailService;
  let admin: Actor;
  let bob: Actor;

  beforeAll(async () => {
    if (!engine.available) return;
    store = await openFreshStore(engine);
    catalog = openCatalog({ store, masterKey: randomBytes(32) });
    const boot = await catalog.identity.bootstrapAdmin();
    admin = { principalId: boot.admin.id, name: boot.admin.name, kind: 'user', isAdmin: true };
    await catalog.securables.ensureMetastore(admin.principalId);
    const principal = await catalog.identity.createPrincipal(
      { name: 'bob@example.com', kind: 'user' },
      admin.principalId,
    );
    bob = { principalId: principal.id, name: principal.name, kind: 'user', isAdmin: false };
    service = new GuardrailService({ db: store.db, catalog, admin, embed: localEmbed });
  });

  afterAll(async () => {
    await catalog?.close();
    await store?.destroy();
  });

  it.runIf(engine.available)('creates, versions, updates, gets and lists guardrails', async () => {
    const created = await service.create(admin, {
      name: 'pii-mask',
      description: 'Masks e-mail',
      policy: POLICY,
    });
    expect(created.guardrailId).toMatch(/^[a-z0-9]{12}$/);
    expect(created.arn).toBe(`arn:aws:bedrock:us-east-1:000000000000:guardrail/${created.guardrailId}`);
    expect(created.securableName).toBe(`system.guardrails.${created.guardrailId}`);
    expect(created.version).toBe('DRAFT');

    const v1 = await service.createVersion(admin, created.arn);
    expect(v1).toEqual({ guardrailId: created.guardrailId, version: '1' });
    await service.update(admin, created.guardrailId, {
      name: 'pii-block',
      policy: {
        ...POLICY,
        sensitiveInformationPolicyConfig: { piiEntitiesConfig: [{ type: 'EMAIL', action: 'BLOCK' }] },
      },
    });
    const draft = await service.get(admin, created.guardrailId);
    expect(draft.name).toBe('pii-block');
    const one = await service.get(admin, created.guardrailId, '1');
    expect(one.name).toBe('pii-mask');
    expect(one.policy.sensitiveInformationPolicyConfig?.piiEntitiesConfig?.[0]?.action).toBe('ANONYMIZE');
    expect((await service.createVersion(admin, created.guardrailId)).version).toBe('2');

    const versions = await service.list(admin, { guardrailIdentifier: created.guardrailId });
    expect(versions.guardrails.map((g) => g.version)).toEqual(['DRAFT', '1', '2']);
    const paged = await service.list(admin, { guardrailIdentifier: created.guardrailId, maxResults: 2 });
    expect(paged.nextToken).toBe('2');

    // Version 1 masks, the DRAFT blocks: each version keeps its policy.
    const masked = await service.apply(admin, created.guardrailId, '1', {
      source: 'INPUT',
      content: 'mail a@b.io',
    });
    expect(masked.outputs).toEqual([{ text: 'mail {EMAIL}' }]);
    const blocked = await service.apply(admin, created.guardrailId, 'DRAFT', {
      source: 'INPUT',
      content: 'mail a@b.io',
    });
    expect(blocked.outputs).toEqual([{ text: 'Blocked input.' }]);

    await expect(service.create(admin, { name: 'pii-block', policy: POLICY })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    await service.delete(admin, created.guardrailId, '1');
    await expect(service.get(admin, created.guardrailId, '1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await service.delete(admin, created.guardrailId);
    await expect(service.get(admin, created.guardrailId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const left = await store.db.selectFrom('guardrail_versions').selectAll().execute();
    expect(left).toEqual([]);
  });

  it.runIf(engine.available)(
    'needs EXECUTE to use, MANAGE to change, and never reveals what it hides',
    async () => {
      const g = await service.create(admin, { name: 'governed', policy: POLICY });
      const use = () => service.apply(bob, g.guardrailId, 'DRAFT', { source: 'INPUT', content: 'hi a@b.io' });
      await expect(use()).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await service.list(bob)).guardrails).toEqual([]);
      await catalog.securables.updatePermissions(admin, 'catalog', 'system', [
        { principal: bob.name, add: ['USE CATALOG'] },
      ]);
      await catalog.securables.updatePermissions(admin, 'schema', 'system.guardrails', [
        { principal: bob.name, add: ['USE SCHEMA'] },
      ]);
      await catalog.securables.updatePermissions(admin, 'guardrail', g.securableName, [
        { principal: bob.name, add: ['EXECUTE'] },
      ]);
      const result = await use();
      expect(result.action).toBe('GUARDRAIL_INTERVENED');
      expect((await service.list(bob)).guardrails.map((x) => x.name)).toEqual(['governed']);
      await expect(
        service.update(bob, g.guardrailId, { name: 'mine', policy: POLICY }),
      ).rejects.toMatchObject({
        code: 'AUTH_PERMISSION_DENIED',
      });
      await expect(service.createVersion(bob, g.guardrailId)).rejects.toMatchObject({
        code: 'AUTH_PERMISSION_DENIED',
      });
      await expect(service.create(bob, { name: 'bobs', policy: POLICY })).rejects.toMatchObject({
        code: 'AUTH_PERMISSION_DENIED',
      });

      // The intervention was audited with the entity type, never the address.
      await catalog.audit.flush();
      const page = await catalog.audit.query({ action: 'guardrail.intervened' });
      const record = page.records.find((r) => r.principalId === bob.principalId)!;
      expect(record.params).toMatchObject({
        entity_types: ['EMAIL'],
        source: 'INPUT',
        operation: 'ApplyGuardrail',
      });
      expect(JSON.stringify(record)).not.toContain('a@b.io');
    },
  );

  it.runIf(engine.available)('numbers concurrent versions without a clash', async () => {
    const g = await service.create(admin, { name: 'concurrent', policy: POLICY });
    const made = await Promise.all([1, 2, 3, 4].map(() => service.createVersion(admin, g.guardrailId)));
    expect(made.map((v) => v.version).sort()).toEqual(['1', '2', '3', '4']);
  });

  it.runIf(engine.available)('refuses bad input before writing anything', async () => {
    const before = await store.db.selectFrom('securables').select('id').execute();
    await expect(service.create(admin, { name: 'bad name!', policy: POLICY })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      service.create(admin, {
        name: 'hate',
        policy: {
          ...POLICY,
          contentPolicyConfig: {
            filtersConfig: [{ type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' }],
          },
        },
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(service.create(admin, { name: 'nopolicy', policy: {} })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(service.get(admin, 'not-an-id')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await store.db.selectFrom('securables').select('id').execute()).toHaveLength(before.length);
  });
});
