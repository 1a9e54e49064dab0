// Securables store principal ids; the wire shows names, as Unity Catalog does. One lookup per distinct
// id per request.

import type { CatalogPrincipal, IdentityService } from '../../catalog/index.js';
import { LakegateError } from '../../core/index.js';

export class PrincipalNames {
  private readonly byId = new Map<string, Promise<string>>();

  constructor(private readonly identity: IdentityService) {}

  /** The principal's name; its id if it has been deleted since (created_by may outlive its principal). */
  name(id: string): Promise<string>;
  name(id: string | null): Promise<string | null>;
  name(id: string | null): Promise<string | null> {
    if (id === null) return Promise.resolve(null);
    let name = this.byId.get(id);
    if (!name) {
      name = this.identity.getPrincipal(id).then((p) => p?.name ?? id);
      this.byId.set(id, name);
    }
    return name;
  }
}

/**
 * A principal named in a request body or path: by name only (a string shaped like an id is not a name),
 * NOT_FOUND when there is none. Principals are listed to every caller, so this tells nobody anything new.
 */
export async function principalByName(identity: IdentityService, name: string): Promise<CatalogPrincipal> {
  const principal = await identity.getPrincipal(name);
  if (!principal || principal.name !== name.toLowerCase()) {
    throw new LakegateError('NOT_FOUND', `Principal ${JSON.stringify(name.slice(0, 300))} does not exist.`, {
      details: { principal: name.slice(0, 300) },
    });
  }
  return principal;
}
