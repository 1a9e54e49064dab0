// What every part of the securable service shares: the store, the generation clock, the authorizer, and
// the one way a change is committed (its writes and a generation bump in one transaction, then the clock
// and the change listener once it has committed).

import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, SecurablesTable } from '../../store/index.js';
import type { Authorizer } from '../authorization/index.js';
import { bumpGeneration, type GenerationClock } from '../generation.js';
import type { GenerationCache } from '../identity/generation-cache.js';
import type { Actor, Securable, SecurableType } from '../model.js';

export interface ChangeEvent {
  action: string;
  principalId: string;
  securableType: SecurableType;
  securableName: string;
  params: Record<string, unknown>;
  /** The request that made the change, so its audit record can be joined with the access logs. */
  requestId?: string;
}

export interface SecurableServiceOptions {
  db: Kysely<Database>;
  clock: GenerationClock;
  authorizer: Authorizer;
  /** Called after each change has committed (the audit log listens). Must not throw. */
  onChange?: (event: ChangeEvent) => void;
}

export interface ServiceContext extends SecurableServiceOptions {
  /**
   * Securable rows by `type:full name` (null: none), valid for one catalog generation: every securable
   * change bumps it (commitChange), so a lookup never sees a row older than the last committed change.
   */
  securableRows?: GenerationCache<string, Selectable<SecurablesTable> | null>;
}

/**
 * Runs `work` and a generation bump in one transaction, then tells the clock and the listener. Never
 * call the authorizer (or anything else on `ctx.db`) inside `work`: on SQLite the one connection is
 * held by the transaction, so authorise first and use only `trx` inside.
 */
export async function commitChange<T>(
  ctx: ServiceContext,
  work: (trx: Transaction<Database>) => Promise<T>,
  event: (result: T) => ChangeEvent,
): Promise<T> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const value = await work(trx);
    await bumpGeneration(trx);
    return value;
  });
  ctx.clock.changed();
  ctx.onChange?.(event(result));
  return result;
}

export function changeEvent(
  action: string,
  actor: Actor | string,
  securable: Pick<Securable, 'type' | 'fullName'>,
  params: Record<string, unknown> = {},
): ChangeEvent {
  const event: ChangeEvent = {
    action,
    principalId: typeof actor === 'string' ? actor : actor.principalId,
    securableType: securable.type,
    securableName: securable.fullName,
    params,
  };
  if (typeof actor !== 'string' && actor.requestId) event.requestId = actor.requestId;
  return event;
}
