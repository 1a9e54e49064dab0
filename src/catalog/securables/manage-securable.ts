// Changing, deleting and handing over securables: for owners, owners of an ancestor, MANAGE holders and
// the admin. Renames carry the new prefix down to everything inside; deletes cascade (grants, policies,
// tags and model versions go with their securable through the schema's ON DELETE CASCADE).

import type { Transaction } from 'kysely';
import { LakegateError, nowIso, validationError } from '../../core/index.js';
import type { Database } from '../../store/index.js';
import { permissionDeniedError } from '../authorization/index.js';
import type { Actor, Securable, SecurableType } from '../model.js';
import { resolveManageable } from './access.js';
import { actionName } from './create-securable.js';
import { namespaceOf, parseSecurableName } from './securable-name.js';
import { findSecurableById, nameTaken } from './securable-rows.js';
import { changeEvent, commitChange, type ServiceContext } from './service-context.js';
import { COLUMNED_TYPES, columnsOf, validateComment, validateDetails } from './validate-input.js';

export interface UpdateOptions {
  comment?: string | null;
  /** Replaces the details as a whole. */
  details?: Record<string, unknown>;
  /** A new last part of the name; the securable stays where it is. */
  newName?: string;
}

function renamedFullName(securable: Securable, newName: string): string {
  const parts = securable.fullName.split('.');
  parts[parts.length - 1] = newName;
  return parseSecurableName(securable.type, securable.type === 'serving_endpoint' ? newName : parts.join('.'))
    .fullName;
}

/** Masks on columns a new column list drops would point at nothing: refuse the change instead. */
async function checkMaskedColumns(
  trx: Transaction<Database>,
  securable: Securable,
  details: Record<string, unknown>,
): Promise<void> {
  const declared = columnsOf(details);
  if (!declared) return;
  const masks = await trx
    .selectFrom('column_masks')
    .select('column_name')
    .where('table_id', '=', securable.id)
    .execute();
  const orphan = masks.find((m) => !declared.includes(m.column_name));
  if (orphan) {
    throw validationError(
      `Column "${orphan.column_name}" of '${securable.fullName}' has a mask: drop it before removing the column.`,
    );
  }
}

/** Everything inside a catalog (its schemas and their objects) or a schema takes the new prefix. */
async function renameDescendants(
  trx: Transaction<Database>,
  securable: Securable,
  newPrefix: string,
): Promise<void> {
  const children = trx.selectFrom('securables').select('id').where('parent_id', '=', securable.id);
  const rows = await trx
    .selectFrom('securables')
    .select(['id', 'full_name'])
    .where((eb) => eb.or([eb('parent_id', '=', securable.id), eb('parent_id', 'in', children)]))
    .execute();
  const oldPrefix = securable.fullName;
  for (const row of rows) {
    if (!row.full_name.startsWith(`${oldPrefix}.`)) continue;
    await trx
      .updateTable('securables')
      .set({ full_name: newPrefix + row.full_name.slice(oldPrefix.length) })
      .where('id', '=', row.id)
      .execute();
  }
}

export async function updateSecurable(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  fullName: string,
  update: UpdateOptions,
): Promise<Securable> {
  const securable = await resolveManageable(ctx, actor, type, fullName);
  const comment = update.comment === undefined ? securable.comment : validateComment(update.comment);
  const details = update.details === undefined ? undefined : validateDetails(type, update.details);
  let newFullName = securable.fullName;
  if (update.newName !== undefined) {
    if (type === 'metastore') throw validationError('The metastore cannot be renamed.');
    if (typeof update.newName !== 'string') throw validationError('new_name must be a string.');
    newFullName = renamedFullName(securable, update.newName);
  }
  return commitChange(
    ctx,
    async (trx) => {
      if (details && COLUMNED_TYPES.includes(type)) await checkMaskedColumns(trx, securable, details);
      if (newFullName !== securable.fullName) {
        const taken = await nameTaken(trx, namespaceOf(type), newFullName, securable.id);
        if (taken) {
          throw new LakegateError('ALREADY_EXISTS', `'${newFullName}' already exists.`, {
            details: { securable_type: taken, full_name: newFullName },
          });
        }
        if (type === 'catalog' || type === 'schema') {
          await renameDescendants(trx, securable, newFullName);
        }
      }
      await trx
        .updateTable('securables')
        .set({
          comment,
          full_name: newFullName,
          name: type === 'serving_endpoint' ? newFullName : newFullName.split('.').at(-1)!,
          ...(details ? { details: JSON.stringify(details) } : {}),
          updated_at: nowIso(),
          updated_by: actor.principalId,
        })
        .where('id', '=', securable.id)
        .execute();
      return (await findSecurableById(trx, securable.id))!;
    },
    (updated) =>
      changeEvent(actionName('update', type), actor, securable, {
        ...(update.comment !== undefined ? { comment: updated.comment } : {}),
        ...(details ? { details: true } : {}),
        ...(newFullName !== securable.fullName ? { new_name: newFullName } : {}),
      }),
  );
}

export interface DeleteOptions {
  /** Delete a catalog's schemas, or a schema's objects, with it. */
  force?: boolean;
}

export async function deleteSecurable(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  fullName: string,
  options: DeleteOptions = {},
): Promise<void> {
  if (type === 'metastore') throw validationError('The metastore cannot be deleted.');
  const securable = await resolveManageable(ctx, actor, type, fullName);
  await commitChange(
    ctx,
    async (trx) => {
      const children = trx.selectFrom('securables').select('id').where('parent_id', '=', securable.id);
      const child = await children.executeTakeFirst();
      if (child && !options.force) {
        throw validationError(
          `${type === 'catalog' ? 'Catalog' : 'Schema'} '${securable.fullName}' is not empty: delete what is in it first, or force.`,
        );
      }
      // Deepest first: securables.parent_id has no ON DELETE CASCADE, on purpose.
      await trx.deleteFrom('securables').where('parent_id', 'in', children).execute();
      await trx.deleteFrom('securables').where('parent_id', '=', securable.id).execute();
      await trx.deleteFrom('securables').where('id', '=', securable.id).execute();
    },
    () => changeEvent(actionName('delete', type), actor, securable, { force: options.force === true }),
  );
}

export async function transferOwnership(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  fullName: string,
  newOwnerId: string,
): Promise<Securable> {
  const securable = await resolveManageable(ctx, actor, type, fullName);
  // Owning the metastore means managing everything: only an admin hands it over.
  if (type === 'metastore' && !actor.isAdmin) {
    throw permissionDeniedError(actor.name, 'ownership', type, securable.fullName);
  }
  if (typeof newOwnerId !== 'string') throw validationError('The new owner must be a principal id.');
  return commitChange(
    ctx,
    async (trx) => {
      const owner = await trx
        .selectFrom('principals')
        .select('id')
        .where('id', '=', newOwnerId)
        .executeTakeFirst();
      if (!owner) {
        throw new LakegateError('NOT_FOUND', `Principal '${newOwnerId}' does not exist.`, {
          details: { principal: newOwnerId },
        });
      }
      await trx
        .updateTable('securables')
        .set({ owner_id: newOwnerId, updated_at: nowIso(), updated_by: actor.principalId })
        .where('id', '=', securable.id)
        .execute();
      return (await findSecurableById(trx, securable.id))!;
    },
    () =>
      changeEvent('transferOwnership', actor, securable, {
        previous_owner: securable.ownerId,
        new_owner: newOwnerId,
      }),
  );
}
