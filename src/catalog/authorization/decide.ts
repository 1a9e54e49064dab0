// The one authorisation rule, as a pure function of what was loaded for one call: the securable's chain
// of ancestors, the actor's principals (itself and its groups) and the privileges they hold on that
// chain. Keeping it pure lets the cached and uncached paths, single decisions and listings share it.

import type { Decision, SecurableType } from '../model.js';
import { GRANTABLE, type Privilege } from '../privileges.js';

export interface ChainNode {
  id: string;
  type: SecurableType;
  fullName: string;
  ownerId: string;
}

export interface AuthContext {
  isAdmin: boolean;
  /** The securable first, then its parent, and so on up to the metastore; empty when it does not exist. */
  chain: readonly ChainNode[];
  /** The actor's principal id and the ids of every group it belongs to, transitively. */
  principals: ReadonlySet<string>;
  /** What those principals hold, by securable id (at least for every securable of `chain`). */
  grants: ReadonlyMap<string, ReadonlySet<string>>;
}

const owns = (ctx: AuthContext, node: ChainNode): boolean => ctx.principals.has(node.ownerId);

/** ALL PRIVILEGES stands for every privilege but MANAGE, as in Unity Catalog: it never lets you grant. */
function heldOn(ctx: AuthContext, node: ChainNode, privilege: Privilege): boolean {
  const held = ctx.grants.get(node.id);
  if (!held) return false;
  return held.has(privilege) || (privilege !== 'MANAGE' && held.has('ALL PRIVILEGES'));
}

/** Held on the securable itself or inherited from an ancestor; the metastore passes nothing down. */
function inherited(ctx: AuthContext, privilege: Privilege): boolean {
  return ctx.chain.some((node, i) => (i === 0 || node.type !== 'metastore') && heldOn(ctx, node, privilege));
}

function manage(ctx: AuthContext, subject: ChainNode): Decision {
  if (owns(ctx, subject)) return { allowed: true, reason: 'owner' };
  if (inherited(ctx, 'MANAGE')) return { allowed: true, reason: 'grant' };
  if (ctx.chain.slice(1).some((node) => owns(ctx, node))) return { allowed: true, reason: 'manage' };
  return { allowed: false, reason: 'no-privilege' };
}

/** May the actor see the securable's metadata: ownership, management, or any privilege applying to it. */
function browse(ctx: AuthContext, subject: ChainNode): Decision {
  if (owns(ctx, subject)) return { allowed: true, reason: 'owner' };
  const applicable: readonly Privilege[] = GRANTABLE[subject.type];
  if (inherited(ctx, 'BROWSE') || applicable.some((p) => inherited(ctx, p))) {
    return { allowed: true, reason: 'grant' };
  }
  return manage(ctx, subject);
}

/**
 * USE CATALOG on the enclosing catalog (granted there, or owning it) and USE SCHEMA on the enclosing
 * schema (granted there or on the catalog, or owning the schema). Only what is strictly inside counts:
 * asking for USE SCHEMA on a schema needs USE CATALOG on its catalog, not USE SCHEMA on itself.
 */
function useRequirement(ctx: AuthContext): Decision | undefined {
  const catalog = ctx.chain.find((node, i) => i > 0 && node.type === 'catalog');
  if (catalog && !owns(ctx, catalog) && !heldOn(ctx, catalog, 'USE CATALOG')) {
    return { allowed: false, reason: 'no-use-catalog' };
  }
  const schemaIndex = ctx.chain.findIndex((node, i) => i > 0 && node.type === 'schema');
  const schema = ctx.chain[schemaIndex];
  if (
    schema &&
    !owns(ctx, schema) &&
    !ctx.chain.slice(schemaIndex).some((n) => n.type !== 'metastore' && heldOn(ctx, n, 'USE SCHEMA'))
  ) {
    return { allowed: false, reason: 'no-use-schema' };
  }
  return undefined;
}

/**
 * The decision, in this order: unknown securable; admin; MANAGE (ownership of it or an ancestor, or
 * MANAGE held; no USE needed, as the brief decides); BROWSE (seeing metadata: any applicable privilege,
 * ownership or management; no USE needed, as in Unity Catalog); a privilege that does not apply to the
 * type; the USE requirements; ownership; a grant on it or an ancestor below the metastore.
 */
export function decide(ctx: AuthContext, privilege: Privilege): Decision {
  const subject = ctx.chain[0];
  if (!subject) return { allowed: false, reason: 'not-found' };
  if (ctx.isAdmin) return { allowed: true, reason: 'admin' };
  if (privilege === 'MANAGE') return manage(ctx, subject);
  if (privilege === 'BROWSE') return browse(ctx, subject);
  if (!GRANTABLE[subject.type].includes(privilege)) return { allowed: false, reason: 'no-privilege' };
  const use = useRequirement(ctx);
  if (use) return use;
  if (owns(ctx, subject)) return { allowed: true, reason: 'owner' };
  if (inherited(ctx, privilege)) return { allowed: true, reason: 'grant' };
  return { allowed: false, reason: 'no-privilege' };
}
