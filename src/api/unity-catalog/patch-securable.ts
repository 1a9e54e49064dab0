// PATCH on a Unity Catalog object: comment, rename and properties in one update, then an ownership
// transfer if `owner` is given. The new owner is looked up before anything is written, so an unknown
// principal changes nothing; the update goes first because handing ownership away can take away the
// caller's right to make it. An empty PATCH changes nothing and answers the object as it is.

import type { Actor, Securable, SecurableType } from '../../catalog/index.js';
import type { ApiServices } from '../services.js';
import { principalByName } from './principal-names.js';

export interface SecurablePatch {
  new_name?: string | undefined;
  comment?: string | null | undefined;
  /** Replaces the properties as a whole, as Unity Catalog does. */
  properties?: Record<string, string> | undefined;
  owner?: string | undefined;
}

type UpdateOptions = Parameters<ApiServices['catalog']['securables']['update']>[3];

export async function patchSecurable(
  services: ApiServices,
  actor: Actor,
  type: SecurableType,
  fullName: string,
  patch: SecurablePatch,
): Promise<Securable> {
  const { securables, identity } = services.catalog;
  // Sight first (NOT_FOUND for the invisible, whatever the body says), then the new owner.
  const current = await securables.get(actor, type, fullName);
  const newOwner = patch.owner === undefined ? undefined : await principalByName(identity, patch.owner);
  const update: UpdateOptions = {};
  if (patch.comment !== undefined) update.comment = patch.comment;
  if (patch.new_name !== undefined) update.newName = patch.new_name;
  if (patch.properties !== undefined) update.details = { ...current.details, properties: patch.properties };
  let result = current;
  if (Object.keys(update).length > 0) result = await securables.update(actor, type, current.fullName, update);
  if (newOwner) result = await securables.transferOwnership(actor, type, result.fullName, newOwner.id);
  return result;
}
