// The catalog generation: a counter bumped in the same transaction as every change that can alter an
// authorisation decision (grants, ownership, membership, securables, keys). Caches remember the
// generation they were filled at and are dropped when it moves, so a revoke takes effect on the very
// next request — also on other replicas sharing the PostgreSQL store, which read it per request.

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/index.js';

const KEY = 'catalog_generation';

export async function bumpGeneration(trx: Kysely<Database> | Transaction<Database>): Promise<void> {
  const updated = await trx
    .updateTable('control_state')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('key', '=', KEY)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await trx
      .insertInto('control_state')
      .values({ key: KEY, value: 1 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({ value: eb('control_state.value', '+', 1) })),
      )
      .execute();
  }
}

export async function readGeneration(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('control_state').select('value').where('key', '=', KEY).executeTakeFirst();
  return row?.value ?? 0;
}

/**
 * Tracks the generation for one process. With SQLite this process is the only writer, so its own
 * counter is exact and no query is needed; with PostgreSQL other replicas write too, so it reads.
 */
export class GenerationClock {
  private local = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly shared: boolean,
  ) {}

  /** Call after committing a change made by this process. */
  changed(): void {
    this.local++;
  }

  /**
   * The generation when it is known without a query (this process is the only writer), else undefined.
   * Callers on the request path write `clock.known ?? (await clock.current())`: no promise when none is
   * needed.
   */
  get known(): number | undefined {
    return this.shared ? undefined : this.local;
  }

  async current(): Promise<number> {
    return this.known ?? readGeneration(this.db);
  }
}
