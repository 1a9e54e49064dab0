// The one authorisation function every surface asks: may this actor do this to that securable? A
// decision reads the securable's ancestors and the actor's groups once, decides in memory (decide.ts),
// and is remembered until the catalog generation moves.

import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import type { GenerationClock } from '../generation.js';
import type { Actor, Decision, Securable, SecurableType } from '../model.js';
import { GRANTABLE, type Privilege } from '../privileges.js';
import { type ChainNode, decide } from './decide.js';
import { DecisionCache } from './decision-cache.js';
import { type GroupsOf, loadChain, loadContext, loadGrants, loadPrincipals } from './load-context.js';
import { notFoundError, permissionDeniedError } from './not-found.js';

export interface AuthorizerOptions {
  db: Kysely<Database>;
  clock: GenerationClock;
  groupsOf: GroupsOf;
  /** Decisions kept per generation; 0 turns the cache off. */
  cacheSize?: number;
}

/** A securable as a listing sees it: enough to decide on it without loading it again. */
export interface SecurableRef {
  id: string;
  type: SecurableType;
  fullName: string;
  ownerId: string;
}

export type AllowedDecision = Extract<Decision, { allowed: true }>;

const DEFAULT_CACHE_SIZE = 50_000;

const idOf = (securable: Securable | string): string =>
  typeof securable === 'string' ? securable : securable.id;

export class Authorizer {
  private readonly db: Kysely<Database>;
  private readonly clock: GenerationClock;
  private readonly groupsOf: GroupsOf;
  private readonly cache: DecisionCache;

  constructor(options: AuthorizerOptions) {
    this.db = options.db;
    this.clock = options.clock;
    this.groupsOf = options.groupsOf;
    this.cache = new DecisionCache(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  }

  async authorize(actor: Actor, privilege: Privilege, securable: Securable | string): Promise<Decision> {
    const id = idOf(securable);
    const generation = this.clock.known ?? (await this.clock.current());
    this.cache.sync(generation);
    const key = `${actor.principalId}|${privilege}|${id}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const decision = decide(await loadContext(this.db, this.groupsOf, actor, id), privilege);
    this.cache.set(generation, key, decision);
    return decision;
  }

  /** Owner of it or of an ancestor, MANAGE on it or an ancestor below the metastore, or admin. */
  async canManage(actor: Actor, securable: Securable | string): Promise<boolean> {
    return (await this.authorize(actor, 'MANAGE', securable)).allowed;
  }

  /** Whether the actor may see it at all (BROWSE, any privilege that applies to it, ownership, MANAGE). */
  async canSee(actor: Actor, securable: Securable | string): Promise<boolean> {
    return (await this.authorize(actor, 'BROWSE', securable)).allowed;
  }

  /** Every privilege grantable on the securable's type that the actor holds on it now, USE rules applied. */
  async effectivePrivileges(actor: Actor, securable: Securable | string): Promise<Privilege[]> {
    const ctx = await loadContext(this.db, this.groupsOf, actor, idOf(securable));
    const subject = ctx.chain[0];
    if (!subject) return [];
    return GRANTABLE[subject.type].filter((p) => decide(ctx, p).allowed);
  }

  /**
   * Throws unless allowed: NOT_FOUND when the actor cannot even see the securable (or it does not
   * exist), AUTH_PERMISSION_DENIED naming what is missing when it can.
   */
  async require(actor: Actor, privilege: Privilege, securable: Securable | string): Promise<AllowedDecision> {
    const decision = await this.authorize(actor, privilege, securable);
    if (decision.allowed) return decision;
    const chain = decision.reason === 'not-found' ? [] : await loadChain(this.db, idOf(securable));
    const subject = chain[0];
    const named = typeof securable === 'string' ? undefined : securable;
    if (!subject) throw notFoundError(named?.type, named?.fullName ?? idOf(securable));
    if (!(await this.canSee(actor, subject.id))) throw notFoundError(subject.type, subject.fullName);
    throw this.denied(actor, privilege, decision, chain);
  }

  /**
   * Which of one parent's children the actor may see, in one pass: the parent's chain, the actor's
   * groups and its grants on the parent's chain and children are read once for the whole listing.
   */
  async visibleChildren(
    actor: Actor,
    parentId: string,
    children: readonly SecurableRef[],
  ): Promise<Set<string>> {
    if (children.length === 0) return new Set();
    if (actor.isAdmin) return new Set(children.map((c) => c.id));
    const generation = await this.clock.current();
    this.cache.sync(generation);
    const [parentChain, principals] = await Promise.all([
      loadChain(this.db, parentId),
      loadPrincipals(actor, this.groupsOf),
    ]);
    const grants = await loadGrants(
      this.db,
      principals,
      parentChain.map((n) => n.id),
      parentId,
    );
    const visible = new Set<string>();
    for (const child of children) {
      const chain: ChainNode[] = [child, ...parentChain];
      const decision = decide({ isAdmin: false, chain, principals, grants }, 'BROWSE');
      this.cache.set(generation, `${actor.principalId}|BROWSE|${child.id}`, decision);
      if (decision.allowed) visible.add(child.id);
    }
    return visible;
  }

  private denied(actor: Actor, privilege: Privilege, decision: Decision, chain: readonly ChainNode[]) {
    const subject = chain[0]!;
    if (decision.reason === 'no-use-catalog') {
      const catalog = chain.find((n, i) => i > 0 && n.type === 'catalog') ?? subject;
      return permissionDeniedError(actor.name, 'USE CATALOG', 'catalog', catalog.fullName);
    }
    if (decision.reason === 'no-use-schema') {
      const schema = chain.find((n, i) => i > 0 && n.type === 'schema') ?? subject;
      return permissionDeniedError(actor.name, 'USE SCHEMA', 'schema', schema.fullName);
    }
    return permissionDeniedError(actor.name, privilege, subject.type, subject.fullName);
  }
}
