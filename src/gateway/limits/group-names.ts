// Group rules name groups; the catalog answers a principal's groups as ids (cached per catalog
// generation). This turns them into names cheaply: ids are never reassigned and principals are never
// renamed, so an id's name is cached for good, and the name list of one (frozen, cached) id list is
// remembered as long as the catalog keeps that list.

import type { IdentityService } from '../../catalog/index.js';

export type GroupNamesOf = (principalId: string) => Promise<readonly string[]>;

/** Names kept at most; past it the cache starts over (groups are few; this only bounds a leak). */
const MAX_NAMES = 10_000;

export function groupNamesResolver(
  identity: Pick<IdentityService, 'groupsOf' | 'getPrincipal'>,
): GroupNamesOf {
  const nameById = new Map<string, string>();
  const namesOfList = new WeakMap<readonly string[], readonly string[]>();
  return async (principalId) => {
    const ids = await identity.groupsOf(principalId);
    if (ids.length === 0) return ids;
    const known = namesOfList.get(ids);
    if (known) return known;
    const names: string[] = [];
    for (const id of ids) {
      let name = nameById.get(id);
      if (name === undefined) {
        // A group deleted since the list was read has no name: it no longer counts.
        name = (await identity.getPrincipal(id))?.name;
        if (name === undefined) continue;
        if (nameById.size >= MAX_NAMES) nameById.clear();
        nameById.set(id, name);
      }
      names.push(name);
    }
    const frozen = Object.freeze(names);
    namesOfList.set(ids, frozen);
    return frozen;
  };
}
