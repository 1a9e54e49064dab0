// Every identity change runs through here: one transaction that bumps the catalog generation, then the
// clock is told, then the audit hook hears what happened (after the commit, never before).

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/index.js';
import { bumpGeneration, type GenerationClock } from '../generation.js';

/** A committed change, for the audit log: never a token, secret or hash in `params`. */
export interface IdentityChange {
  action: string;
  /** The acting principal, or null for the system (the first start). */
  principalId: string | null;
  params: Record<string, unknown>;
}

export type IdentityChangeListener = (event: IdentityChange) => void;

export interface ChangeContext {
  db: Kysely<Database>;
  clock: GenerationClock;
  onChange: IdentityChangeListener | undefined;
}

export interface ChangeOutcome<T> {
  value: T;
  /** Absent when nothing changed (an idempotent repeat). */
  event?: IdentityChange;
}

export async function commitChange<T>(
  ctx: ChangeContext,
  change: (trx: Transaction<Database>) => Promise<ChangeOutcome<T>>,
): Promise<T> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    // First, not last: on PostgreSQL the row lock on the generation serializes concurrent identity
    // changes, so checks made after it (name taken? would this membership close a cycle?) see every
    // change committed before, including another replica's.
    await bumpGeneration(trx);
    return change(trx);
  });
  ctx.clock.changed();
  if (outcome.event && ctx.onChange) {
    try {
      ctx.onChange(outcome.event);
    } catch {
      // The change is committed: failing the call now would make the caller retry something already done.
      // The audit writer reports its own failures.
    }
  }
  return outcome.value;
}
