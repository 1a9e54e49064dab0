// Model versions and aliases: numbering, who may create versions and set aliases, resolving `m@alias`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openFreshStore } from '../../../test/support/stores.js';
import { rejection } from '../authorization/test-support.js';
import { type CatalogFixture, catalogFixture } from './test-support.js';

describe.each(ENGINES)('model versions on $engine', (engine) => {
  let store: Awaited<ReturnType<typeof openFreshStore>>;
  let fx: CatalogFixture;
  let n = 0;

  beforeAll(async () => {
    if (!engine.available) return;
    store = await openFreshStore(engine);
    fx = await catalogFixture(store.db, store.engine === 'postgres');
  });
  afterAll(async () => {
    await store?.destroy();
  });

  async function model() {
    const c = `r${++n}`;
    await fx.service.createCatalog(fx.admin.actor, c);
    await fx.service.createSchema(fx.admin.actor, `${c}.s`);
    await fx.service.createObject(fx.admin.actor, 'model', `${c}.s.m`);
    return { c, m: `${c}.s.m` };
  }

  it.runIf(engine.available)('numbers versions 1, 2, 3 and resolves aliases and the latest', async () => {
    const { m } = await model();
    expect(
      await fx.service.createModelVersion(fx.admin.actor, m, { source: 'volumes/m/1', comment: 'first' }),
    ).toBe(1);
    expect(await fx.service.createModelVersion(fx.admin.actor, m)).toBe(2);
    expect(await fx.service.createModelVersion(fx.admin.actor, m)).toBe(3);
    await fx.service.setAlias(fx.admin.actor, m, 'Champion', 2);
    await fx.service.setAlias(fx.admin.actor, m, 'challenger', 3);
    const versions = await fx.service.listModelVersions(fx.admin.actor, m);
    expect(versions.map((v) => [v.version, v.aliases])).toEqual([
      [1, []],
      [2, ['champion']],
      [3, ['challenger']],
    ]);
    expect(versions[0]).toMatchObject({
      source: 'volumes/m/1',
      comment: 'first',
      status: 'READY',
      modelFullName: m,
    });
    expect((await fx.service.resolveModelVersion(fx.admin.actor, `${m}@champion`)).version).toBe(2);
    expect((await fx.service.resolveModelVersion(fx.admin.actor, `${m}@1`)).version).toBe(1);
    expect((await fx.service.resolveModelVersion(fx.admin.actor, m)).version).toBe(3);
    await fx.service.setAlias(fx.admin.actor, m, 'champion', 3);
    expect((await fx.service.resolveModelVersion(fx.admin.actor, `${m}@CHAMPION`)).version).toBe(3);
    await fx.service.deleteAlias(fx.admin.actor, m, 'champion');
    expect((await rejection(fx.service.resolveModelVersion(fx.admin.actor, `${m}@champion`))).code).toBe(
      'NOT_FOUND',
    );
    expect((await fx.service.getModelVersion(fx.admin.actor, m, 3)).aliases).toEqual(['challenger']);
  });

  it.runIf(engine.available)('refuses unknown versions and bad aliases', async () => {
    const { m } = await model();
    expect((await rejection(fx.service.resolveModelVersion(fx.admin.actor, m))).code).toBe('NOT_FOUND');
    await fx.service.createModelVersion(fx.admin.actor, m);
    expect((await rejection(fx.service.getModelVersion(fx.admin.actor, m, 2))).code).toBe('NOT_FOUND');
    expect((await rejection(fx.service.setAlias(fx.admin.actor, m, 'prod', 9))).code).toBe('NOT_FOUND');
    for (const alias of ['', '1', 'a b', 'x'.repeat(300), 'a@b']) {
      expect((await rejection(fx.service.setAlias(fx.admin.actor, m, alias, 1))).code, alias).toBe(
        'VALIDATION_FAILED',
      );
    }
    for (const version of [0, -1, 1.5, Number.NaN, '1']) {
      expect((await rejection(fx.service.getModelVersion(fx.admin.actor, m, version as number))).code).toBe(
        'VALIDATION_FAILED',
      );
    }
  });

  it.runIf(engine.available)(
    'CREATE MODEL VERSION (or ownership) creates versions; managers set aliases',
    async () => {
      const { c, m } = await model();
      const { user, runner } = await fx.users('user', 'runner');
      await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
        { principal: user!.name, add: ['USE CATALOG', 'USE SCHEMA'] },
        { principal: runner!.name, add: ['USE CATALOG', 'USE SCHEMA', 'EXECUTE'] },
      ]);
      expect((await rejection(fx.service.createModelVersion(user!.actor, m))).code).toBe('NOT_FOUND');
      expect((await rejection(fx.service.createModelVersion(runner!.actor, m))).code).toBe(
        'AUTH_PERMISSION_DENIED',
      );
      await fx.service.updatePermissions(fx.admin.actor, 'schema', `${c}.s`, [
        { principal: user!.name, add: ['CREATE MODEL VERSION'] },
      ]);
      expect(await fx.service.createModelVersion(user!.actor, m)).toBe(1);
      // Creating versions is not managing: aliases stay with owners and managers.
      expect((await rejection(fx.service.setAlias(user!.actor, m, 'prod', 1))).code).toBe(
        'AUTH_PERMISSION_DENIED',
      );
      expect((await fx.service.resolveModelVersion(runner!.actor, m)).version).toBe(1);
      await fx.service.transferOwnership(fx.admin.actor, 'model', m, runner!.id);
      await fx.service.setAlias(runner!.actor, m, 'prod', 1);
      expect(await fx.service.createModelVersion(runner!.actor, m)).toBe(2);
      const { stranger } = await fx.users('stranger');
      expect((await rejection(fx.service.listModelVersions(stranger!.actor, m))).code).toBe('NOT_FOUND');
      expect((await rejection(fx.service.resolveModelVersion(stranger!.actor, `${m}@prod`))).code).toBe(
        'NOT_FOUND',
      );
    },
  );

  it.runIf(engine.available)('concurrent creations get distinct numbers', async () => {
    const { m } = await model();
    const numbers = await Promise.all(
      Array.from({ length: 12 }, () => fx.service.createModelVersion(fx.admin.actor, m)),
    );
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });
});
