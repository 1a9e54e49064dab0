// Grants in Unity Catalog's shape: `{privilege_assignments: [{principal, privileges}]}` to read, and
// `[{principal, add, remove}]` to change, all or nothing. Only those who may manage the securable change
// its grants, so a grantee cannot hand itself more (MANAGE, ALL PRIVILEGES or anything else).

import { isRecord, LakegateError, nowIso, validationError } from '../../core/index.js';
import type { Actor, SecurableType } from '../model.js';
import { GRANTABLE, normalizePrivilege, type Privilege } from '../privileges.js';
import { requireManage, resolveVisible } from './access.js';
import type { Db } from './securable-rows.js';
import { changeEvent, commitChange, type ServiceContext } from './service-context.js';

export interface PrivilegeAssignment {
  principal: string;
  /** As Unity Catalog's REST API spells them: `USE_CATALOG`, `SELECT`, `ALL_PRIVILEGES`. */
  privileges: string[];
}

export interface PermissionsList {
  privilege_assignments: PrivilegeAssignment[];
}

export interface PermissionChange {
  /** The principal's name. */
  principal: string;
  add?: string[];
  remove?: string[];
}

interface NormalizedChange {
  principal: string;
  add: Privilege[];
  remove: Privilege[];
}

const MAX_CHANGES = 100;

export const wirePrivilege = (privilege: string): string => privilege.replace(/ /g, '_');

async function listAssignments(db: Db, securableId: string, principal?: string): Promise<PermissionsList> {
  let query = db
    .selectFrom('grants')
    .innerJoin('principals', 'principals.id', 'grants.principal_id')
    .select(['principals.name', 'grants.privilege'])
    .where('grants.securable_id', '=', securableId);
  if (principal !== undefined) query = query.where('principals.name', '=', principal);
  const rows = await query.orderBy('principals.name').orderBy('grants.privilege').execute();
  const byPrincipal = new Map<string, string[]>();
  for (const row of rows) {
    const list = byPrincipal.get(row.name) ?? [];
    list.push(wirePrivilege(row.privilege));
    byPrincipal.set(row.name, list);
  }
  return {
    privilege_assignments: [...byPrincipal].map(([name, privileges]) => ({ principal: name, privileges })),
  };
}

/** Direct grants on the securable (not inherited ones), for anyone who can see it. */
export async function getPermissions(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  fullName: string,
  options: { principal?: string } = {},
): Promise<PermissionsList> {
  const securable = await resolveVisible(ctx, actor, type, fullName);
  return listAssignments(ctx.db, securable.id, options.principal);
}

function normalizePrivileges(type: SecurableType, list: unknown, field: string): Privilege[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw validationError(`${field} must be an array of privileges.`);
  return [
    ...new Set(
      list.map((value) => {
        const privilege = typeof value === 'string' ? normalizePrivilege(value) : undefined;
        if (!privilege || !GRANTABLE[type].includes(privilege)) {
          throw validationError(
            `Privilege ${String(value)} is not applicable to a securable of type ${type}.`,
            {
              privilege: String(value),
              securable_type: type,
            },
          );
        }
        return privilege;
      }),
    ),
  ];
}

function normalizeChanges(type: SecurableType, changes: unknown): NormalizedChange[] {
  if (!Array.isArray(changes)) throw validationError('changes must be an array.');
  if (changes.length > MAX_CHANGES) throw validationError(`At most ${MAX_CHANGES} changes at once.`);
  return changes.map((change) => {
    if (!isRecord(change) || typeof change.principal !== 'string' || change.principal === '') {
      throw validationError('Each change needs a principal name.');
    }
    const add = normalizePrivileges(type, change.add, 'add');
    const remove = normalizePrivileges(type, change.remove, 'remove');
    const both = add.find((p) => remove.includes(p));
    if (both) {
      throw validationError(`${wirePrivilege(both)} is both added and removed for ${change.principal}.`);
    }
    return { principal: change.principal, add, remove };
  });
}

/**
 * Applies every change or none: the securable must be visible (else NOT_FOUND), the changes valid (else
 * VALIDATION_FAILED), the actor must manage the securable (else 403) and each principal must exist
 * (else NOT_FOUND). Returns the grants as they are afterwards.
 */
export async function updatePermissions(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  fullName: string,
  changes: readonly PermissionChange[],
): Promise<PermissionsList> {
  const securable = await resolveVisible(ctx, actor, type, fullName);
  const normalized = normalizeChanges(type, changes);
  await requireManage(ctx, actor, securable);
  if (normalized.length === 0) return listAssignments(ctx.db, securable.id);
  return commitChange(
    ctx,
    async (trx) => {
      const now = nowIso();
      for (const change of normalized) {
        const principal = await trx
          .selectFrom('principals')
          .select('id')
          .where('name', '=', change.principal)
          .executeTakeFirst();
        if (!principal) {
          throw new LakegateError('NOT_FOUND', `Principal '${change.principal}' does not exist.`, {
            details: { principal: change.principal },
          });
        }
        if (change.remove.length > 0) {
          await trx
            .deleteFrom('grants')
            .where('securable_id', '=', securable.id)
            .where('principal_id', '=', principal.id)
            .where('privilege', 'in', change.remove)
            .execute();
        }
        if (change.add.length > 0) {
          await trx
            .insertInto('grants')
            .values(
              change.add.map((privilege) => ({
                securable_id: securable.id,
                principal_id: principal.id,
                privilege,
                granted_by: actor.principalId,
                granted_at: now,
              })),
            )
            .onConflict((oc) => oc.columns(['securable_id', 'principal_id', 'privilege']).doNothing())
            .execute();
        }
      }
      return listAssignments(trx, securable.id);
    },
    () =>
      changeEvent('updatePermissions', actor, securable, {
        changes: normalized.map((c) => ({
          principal: c.principal,
          add: c.add.map(wirePrivilege),
          remove: c.remove.map(wirePrivilege),
        })),
      }),
  );
}
