// Governed tags on any securable or on a column of one: set or removed with APPLY TAG (or management),
// read by anyone who sees the securable. Policies that act on tags are enforced elsewhere.

import type { SecurableTags } from '../../catalog/index.js';
import { validationError } from '../../core/index.js';
import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { asTableOrView, jsonRoute, param, parseSecurableType, readJson } from '../unity-catalog/index.js';
import { LG_PREFIX } from './paths.js';
import { setTagsBody } from './request-bodies.js';

function toTagList(tags: SecurableTags) {
  return [
    ...Object.entries(tags.tags).map(([key, value]) => ({ key, value, column: null as string | null })),
    ...Object.entries(tags.columns).flatMap(([column, values]) =>
      Object.entries(values).map(([key, value]) => ({ key, value, column })),
    ),
  ];
}

function keysOf(query: URLSearchParams): string[] {
  const keys = (query.get('keys') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (keys.length === 0) throw validationError('Name the tags to remove: ?keys=a,b');
  return keys;
}

export function tagRoutes(services: ApiServices): Route[] {
  const { securables } = services.catalog;
  const path = `${LG_PREFIX}/tags/:securable_type/:full_name`;
  return [
    jsonRoute('PUT', path, async (ctx, actor) => {
      const type = parseSecurableType(param(ctx, 'securable_type'));
      const body = readJson(ctx, setTagsBody);
      await asTableOrView(type, (t) =>
        securables.setTags(actor, t, param(ctx, 'full_name'), body.tags, body.column),
      );
      return {};
    }),
    jsonRoute('DELETE', path, async (ctx, actor) => {
      const type = parseSecurableType(param(ctx, 'securable_type'));
      const keys = keysOf(ctx.query);
      const column = ctx.query.get('column') || undefined;
      await asTableOrView(type, (t) =>
        securables.removeTags(actor, t, param(ctx, 'full_name'), keys, column),
      );
      return {};
    }),
    jsonRoute('GET', path, async (ctx, actor) => {
      const type = parseSecurableType(param(ctx, 'securable_type'));
      const tags = await asTableOrView(type, (t) => securables.getTags(actor, t, param(ctx, 'full_name')));
      return { tags: toTagList(tags) };
    }),
  ];
}
