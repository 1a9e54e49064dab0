// When table-synced indexes sync: after every committed write to their source table (the tables
// service's commit hook), on demand, and once per process on the first write (a sync a crash cut short
// leaves an index behind its table). Syncs go through the scheduler: one at a time per index, bursts
// coalesced. Each sync looks its index up again first: it may have been deleted while it waited.

import type { Actor, Securable } from '../../catalog/index.js';
import type { TableCommit } from '../../data/index.js';
import { definitionOf } from './index-definition.js';
import { type SyncContext, syncIndex } from './index-sync.js';
import { SyncScheduler } from './sync-scheduler.js';

/** Reads securables for the background sync (the sync itself then runs as the owner). */
const SYNC_SERVICE: Actor = {
  principalId: 'lakegate-vector-sync',
  name: 'lakegate-vector-sync',
  kind: 'service',
  isAdmin: true,
};

export class SyncTriggers {
  private readonly scheduler = new SyncScheduler();
  private readonly unsubscribe: () => void;
  /** Commits being matched to their indexes (before their syncs are scheduled). */
  private readonly handling = new Set<Promise<void>>();
  private caughtUp: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly ctx: SyncContext) {
    this.unsubscribe = ctx.data.tables.onCommitted((commit) => {
      const handling = this.onCommitted(commit).catch(() => undefined);
      this.handling.add(handling);
      void handling.then(() => this.handling.delete(handling));
    });
  }

  /** Resolves when a sync of `securable` that started after this call has finished. */
  schedule(securable: Securable, full = false): Promise<void> {
    return this.scheduler.request(securable.id, async () => {
      if (this.closed) return;
      const current = await this.current(securable.fullName, securable.id);
      if (current) await syncIndex(this.ctx, current, definitionOf(current.details), { full });
    });
  }

  busy(indexId: string): boolean {
    return this.scheduler.busy(indexId);
  }

  /** Waits for the syncs of one index (or of all, and for commits still being matched). */
  async idle(indexId?: string): Promise<void> {
    if (indexId === undefined) while (this.handling.size > 0) await Promise.all(this.handling);
    await this.scheduler.idle(indexId);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    await this.idle();
  }

  private async current(fullName: string, indexId: string): Promise<Securable | undefined> {
    const securable = await this.ctx.catalog.securables
      .get(SYNC_SERVICE, 'vector_index', fullName)
      .catch(() => undefined);
    return securable?.id === indexId ? securable : undefined;
  }

  private async onCommitted(commit: TableCommit): Promise<void> {
    if (this.closed) return;
    await this.catchUp();
    for (const state of await this.ctx.states.all()) {
      if (state.sourceTableId !== commit.tableId) continue;
      const securable = await this.current(state.fullName, state.indexId);
      if (securable) void this.schedule(securable);
    }
  }

  private catchUp(): Promise<void> {
    this.caughtUp ??= (async () => {
      for (const state of await this.ctx.states.all()) {
        if (state.sourceTableId === null) continue;
        const securable = await this.current(state.fullName, state.indexId);
        if (securable) void this.schedule(securable);
      }
    })();
    return this.caughtUp;
  }
}
