// Per-document access inside a knowledge base: a document whose metadata carries `allowed_groups` (a list
// of group names) reaches only members of one of those groups; admins see every document. The rule is a
// metadata filter that the engine evaluates DURING the search, AND-ed with the caller's own filter, so a
// caller's filter can only narrow it (an `orAll` cannot widen it back) and the engine's over-fetching
// still fills numberOfResults with documents the caller may read.
//
// Ingestion stamps every chunk with `x-lakegate-restricted` (true exactly when the document names
// allowed groups), because "has no allowed_groups" cannot be said positively in the filter vocabulary,
// and the stamp is written after the sidecar's keys so a sidecar cannot set it.

import type { Actor, Catalog } from '../../catalog/index.js';
import type { MetadataFilter } from '../engine/metadata-filter.js';
import type { MetadataValue } from '../engine/vector-engine.js';

export const ALLOWED_GROUPS_KEY = 'allowed_groups';
export const RESTRICTED_KEY = 'x-lakegate-restricted';

/**
 * The allowed groups of a document, lower-cased (principal names compare case-insensitively), or
 * undefined when the document is open to every reader of the knowledge base. A value that is neither a
 * string nor a list of strings restricts the document to admins: failing closed beats guessing.
 */
export function allowedGroupsOf(value: MetadataValue | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value.trim().toLowerCase()];
  if (Array.isArray(value)) return value.map((g: string) => g.trim().toLowerCase());
  return [];
}

/** The filter a caller's results must pass; undefined for admins. */
export async function documentAccessFilter(
  catalog: Catalog,
  actor: Actor,
): Promise<MetadataFilter | undefined> {
  if (actor.isAdmin) return undefined;
  const groupIds = await catalog.identity.groupsOf(actor.principalId);
  const names: string[] = [];
  for (const id of groupIds) {
    const group = await catalog.identity.getPrincipal(id);
    if (group) names.push(group.name.toLowerCase());
  }
  const open: MetadataFilter = { equals: { key: RESTRICTED_KEY, value: false } };
  if (names.length === 0) return open;
  return {
    orAll: [open, ...names.map((name) => ({ listContains: { key: ALLOWED_GROUPS_KEY, value: name } }))],
  };
}

/** Both filters must pass; either may be absent. */
export function bothFilters(
  access: MetadataFilter | undefined,
  caller: MetadataFilter | undefined,
): MetadataFilter | undefined {
  if (!access) return caller;
  if (!caller) return access;
  return { andAll: [access, caller] };
}
