// /volumes: managed or external file areas in a schema; type and storage location live in the details.

import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { jsonRoute, param, readJson } from './json-route.js';
import { pagedList, pageRequest } from './pagination.js';
import { patchSecurable } from './patch-securable.js';
import { UC_PREFIX } from './paths.js';
import { PrincipalNames } from './principal-names.js';
import { requiredQuery } from './query-flags.js';
import { createVolumeBody, updateObjectBody } from './request-bodies.js';
import { toVolumeInfo } from './securable-wire.js';

export function volumeRoutes(services: ApiServices): Route[] {
  const { securables, identity } = services.catalog;
  const names = () => new PrincipalNames(identity);
  return [
    jsonRoute('POST', `${UC_PREFIX}/volumes`, async (ctx, actor) => {
      const body = readJson(ctx, createVolumeBody);
      const created = await securables.createObject(
        actor,
        'volume',
        `${body.catalog_name}.${body.schema_name}.${body.name}`,
        {
          comment: body.comment ?? null,
          details: {
            volume_type: body.volume_type,
            ...(body.storage_location ? { storage_location: body.storage_location } : {}),
          },
        },
      );
      return toVolumeInfo(created, names());
    }),
    jsonRoute('GET', `${UC_PREFIX}/volumes`, async (ctx, actor) => {
      const schema = `${requiredQuery(ctx.query, 'catalog_name')}.${requiredQuery(ctx.query, 'schema_name')}`;
      const page = pageRequest(ctx.query);
      const perRequest = names();
      const volumes = await securables.list(actor, 'volume', schema);
      return pagedList(
        'volumes',
        volumes,
        (v) => v.fullName,
        page,
        (v) => toVolumeInfo(v, perRequest),
      );
    }),
    jsonRoute('GET', `${UC_PREFIX}/volumes/:full_name`, async (ctx, actor) =>
      toVolumeInfo(await securables.get(actor, 'volume', param(ctx, 'full_name')), names()),
    ),
    jsonRoute('PATCH', `${UC_PREFIX}/volumes/:full_name`, async (ctx, actor) => {
      const body = readJson(ctx, updateObjectBody);
      const updated = await patchSecurable(services, actor, 'volume', param(ctx, 'full_name'), body);
      return toVolumeInfo(updated, names());
    }),
    jsonRoute('DELETE', `${UC_PREFIX}/volumes/:full_name`, async (ctx, actor) => {
      const volume = await securables.get(actor, 'volume', param(ctx, 'full_name'));
      await securables.delete(actor, 'volume', volume.fullName);
      // Its files go with it (stored by id, so nothing else can reach them any more).
      await services.data.volumes.removeVolume(volume.id);
      return {};
    }),
  ];
}
