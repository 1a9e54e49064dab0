// /models: registered models, their versions (numbered 1, 2, ... on creation) and aliases
// (`champion` -> 3). Creating a version needs CREATE MODEL VERSION on the model; aliases, management of it.

import type { Actor, Securable } from '../../catalog/index.js';
import { validationError } from '../../core/index.js';
import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { jsonRoute, param, readJson } from './json-route.js';
import { toModelVersionInfo, toRegisteredModelInfo } from './model-wire.js';
import { pagedList, pageRequest } from './pagination.js';
import { patchSecurable } from './patch-securable.js';
import { UC_PREFIX } from './paths.js';
import { PrincipalNames } from './principal-names.js';
import { requiredQuery } from './query-flags.js';
import { createModelBody, createModelVersionBody, setAliasBody, updateObjectBody } from './request-bodies.js';

function versionOf(value: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(value))
    throw validationError(`"${value.slice(0, 50)}" is not a model version.`);
  return Number(value);
}

export function modelRoutes(services: ApiServices): Route[] {
  const { securables, identity } = services.catalog;
  const names = () => new PrincipalNames(identity);
  const info = async (actor: Actor, model: Securable, perRequest: PrincipalNames) =>
    toRegisteredModelInfo(model, await securables.listModelVersions(actor, model.fullName), perRequest);
  return [
    jsonRoute('POST', `${UC_PREFIX}/models`, async (ctx, actor) => {
      const body = readJson(ctx, createModelBody);
      const created = await securables.createObject(
        actor,
        'model',
        `${body.catalog_name}.${body.schema_name}.${body.name}`,
        {
          comment: body.comment ?? null,
          details: body.storage_location ? { storage_location: body.storage_location } : {},
        },
      );
      return toRegisteredModelInfo(created, [], names());
    }),
    jsonRoute('GET', `${UC_PREFIX}/models`, async (ctx, actor) => {
      const schema = `${requiredQuery(ctx.query, 'catalog_name')}.${requiredQuery(ctx.query, 'schema_name')}`;
      const page = pageRequest(ctx.query);
      const perRequest = names();
      const models = await securables.list(actor, 'model', schema);
      return pagedList(
        'registered_models',
        models,
        (m) => m.fullName,
        page,
        (m) => info(actor, m, perRequest),
      );
    }),
    jsonRoute('GET', `${UC_PREFIX}/models/:full_name`, async (ctx, actor) =>
      info(actor, await securables.get(actor, 'model', param(ctx, 'full_name')), names()),
    ),
    jsonRoute('PATCH', `${UC_PREFIX}/models/:full_name`, async (ctx, actor) => {
      const body = readJson(ctx, updateObjectBody);
      const updated = await patchSecurable(services, actor, 'model', param(ctx, 'full_name'), body);
      // After a transfer the caller may no longer see the model's versions: show none rather than fail.
      const versions = await securables.listModelVersions(actor, updated.fullName).catch(() => []);
      return toRegisteredModelInfo(updated, versions, names());
    }),
    jsonRoute('DELETE', `${UC_PREFIX}/models/:full_name`, async (ctx, actor) => {
      await securables.delete(actor, 'model', param(ctx, 'full_name'));
      return {};
    }),

    // Versions.
    jsonRoute('POST', `${UC_PREFIX}/models/versions`, async (ctx, actor) => {
      const body = readJson(ctx, createModelVersionBody);
      const model = `${body.catalog_name}.${body.schema_name}.${body.model_name}`;
      const version = await securables.createModelVersion(actor, model, {
        source: body.source ?? null,
        comment: body.comment ?? null,
      });
      return toModelVersionInfo(await securables.getModelVersion(actor, model, version), names());
    }),
    jsonRoute('GET', `${UC_PREFIX}/models/:full_name/versions`, async (ctx, actor) => {
      const page = pageRequest(ctx.query);
      const perRequest = names();
      const versions = await securables.listModelVersions(actor, param(ctx, 'full_name'));
      // Zero-padded so the versions page in numeric order.
      const key = (v: { version: number }) => String(v.version).padStart(16, '0');
      return pagedList('model_versions', versions, key, page, (v) => toModelVersionInfo(v, perRequest));
    }),
    jsonRoute('GET', `${UC_PREFIX}/models/:full_name/versions/:version`, async (ctx, actor) => {
      const version = versionOf(param(ctx, 'version'));
      return toModelVersionInfo(
        await securables.getModelVersion(actor, param(ctx, 'full_name'), version),
        names(),
      );
    }),
    jsonRoute('DELETE', `${UC_PREFIX}/models/:full_name/versions/:version`, async (ctx, actor) => {
      await securables.deleteModelVersion(actor, param(ctx, 'full_name'), versionOf(param(ctx, 'version')));
      return {};
    }),

    // Aliases.
    jsonRoute('PUT', `${UC_PREFIX}/models/:full_name/aliases/:alias`, async (ctx, actor) => {
      const body = readJson(ctx, setAliasBody);
      await securables.setAlias(actor, param(ctx, 'full_name'), param(ctx, 'alias'), body.version_num);
      return { alias_name: param(ctx, 'alias').toLowerCase(), version_num: body.version_num };
    }),
    jsonRoute('DELETE', `${UC_PREFIX}/models/:full_name/aliases/:alias`, async (ctx, actor) => {
      await securables.deleteAlias(actor, param(ctx, 'full_name'), param(ctx, 'alias'));
      return {};
    }),
  ];
}
