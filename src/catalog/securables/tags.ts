// Governed tags on any securable, or on a column of one that has columns. Setting or removing them needs
// APPLY TAG on the securable (USE rules apply) or management of it; reading them, seeing it. Policies
// that act on tags are enforced elsewhere: this is where they are stored and authorised.

import { nowIso, validationError } from '../../core/index.js';
import { permissionDeniedError } from '../authorization/index.js';
import type { Actor, Securable, SecurableType } from '../model.js';
import { resolveVisible } from './access.js';
import { changeEvent, commitChange, type ServiceContext } from './service-context.js';
import { COLUMNED_TYPES, validateColumn, validateTagKey, validateTags } from './validate-input.js';

export interface SecurableTags {
  /** Tags on the securable itself. */
  tags: Record<string, string>;
  /** Tags on its columns, by column name. */
  columns: Record<string, Record<string, string>>;
}

async function resolveTaggable(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  fullName: string,
): Promise<Securable> {
  const securable = await resolveVisible(ctx, actor, type, fullName);
  const applyTag = await ctx.authorizer.authorize(actor, 'APPLY TAG', securable);
  if (!applyTag.allowed && !(await ctx.authorizer.canManage(actor, securable))) {
    throw permissionDeniedError(actor.name, 'APPLY TAG', type, securable.fullName);
  }
  return securable;
}

function columnOf(securable: Securable, column: string | undefined): string {
  if (column === undefined) return '';
  if (!COLUMNED_TYPES.includes(securable.type)) {
    throw validationError(`A ${securable.type} has no columns to tag.`);
  }
  return validateColumn(column, securable.details, securable.fullName);
}

export async function setTags(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  fullName: string,
  tags: Record<string, string>,
  column?: string,
): Promise<void> {
  const securable = await resolveTaggable(ctx, actor, type, fullName);
  const entries = validateTags(tags);
  const columnName = columnOf(securable, column);
  const now = nowIso();
  await commitChange(
    ctx,
    async (trx) => {
      for (const [key, value] of entries) {
        await trx
          .insertInto('tags')
          .values({
            securable_id: securable.id,
            column_name: columnName,
            tag_key: key,
            tag_value: value,
            created_at: now,
            created_by: actor.principalId,
          })
          .onConflict((oc) =>
            oc
              .columns(['securable_id', 'column_name', 'tag_key'])
              .doUpdateSet({ tag_value: value, created_at: now, created_by: actor.principalId }),
          )
          .execute();
      }
    },
    () =>
      changeEvent('setTags', actor, securable, {
        tags: Object.fromEntries(entries),
        ...(columnName ? { column: columnName } : {}),
      }),
  );
}

export async function removeTags(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  fullName: string,
  keys: readonly string[],
  column?: string,
): Promise<void> {
  const securable = await resolveTaggable(ctx, actor, type, fullName);
  if (!Array.isArray(keys) || keys.length === 0)
    throw validationError('Name at least one tag key to remove.');
  const valid = keys.map(validateTagKey);
  const columnName = columnOf(securable, column);
  await commitChange(
    ctx,
    (trx) =>
      trx
        .deleteFrom('tags')
        .where('securable_id', '=', securable.id)
        .where('column_name', '=', columnName)
        .where('tag_key', 'in', valid)
        .execute(),
    () =>
      changeEvent('removeTags', actor, securable, {
        keys: valid,
        ...(columnName ? { column: columnName } : {}),
      }),
  );
}

export async function getTags(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  fullName: string,
): Promise<SecurableTags> {
  const securable = await resolveVisible(ctx, actor, type, fullName);
  const rows = await ctx.db
    .selectFrom('tags')
    .select(['column_name', 'tag_key', 'tag_value'])
    .where('securable_id', '=', securable.id)
    .orderBy('column_name')
    .orderBy('tag_key')
    .execute();
  // Built with Object.fromEntries: a tag key such as "__proto__" stays an ordinary key.
  const own: Array<[string, string]> = [];
  const byColumn = new Map<string, Array<[string, string]>>();
  for (const row of rows) {
    if (row.column_name === '') own.push([row.tag_key, row.tag_value]);
    else {
      const list = byColumn.get(row.column_name) ?? [];
      list.push([row.tag_key, row.tag_value]);
      byColumn.set(row.column_name, list);
    }
  }
  return {
    tags: Object.fromEntries(own),
    columns: Object.fromEntries([...byColumn].map(([column, list]) => [column, Object.fromEntries(list)])),
  };
}
