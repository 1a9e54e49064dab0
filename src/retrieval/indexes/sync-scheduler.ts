// Runs syncs one at a time per index and coalesces bursts: a request while a sync runs queues ONE more run
// (which will see every write committed before it starts), and every request made meanwhile shares it. So a
// hundred small writes in a row cost at most two syncs, and a caller who asks for a sync waits for one that
// started after its request.

interface Slot {
  running?: Promise<void>;
  queued?: Promise<void>;
}

export class SyncScheduler {
  private readonly slots = new Map<string, Slot>();

  /** Resolves when a run of `work` that started after this call has finished (work handles its own errors). */
  request(indexId: string, work: () => Promise<void>): Promise<void> {
    let slot = this.slots.get(indexId);
    if (!slot) {
      slot = {};
      this.slots.set(indexId, slot);
    }
    const current = slot;
    if (current.queued) return current.queued;
    const run = (): Promise<void> => {
      const running = work().catch(() => undefined);
      current.running = running;
      return running.then(() => {
        if (current.running === running) current.running = undefined;
        if (!current.running && !current.queued && this.slots.get(indexId) === current) {
          this.slots.delete(indexId);
        }
      });
    };
    if (!current.running) return run();
    current.queued = current.running.then(() => {
      current.queued = undefined;
      return run();
    });
    return current.queued;
  }

  /** Whether a sync of `indexId` runs or waits. */
  busy(indexId: string): boolean {
    const slot = this.slots.get(indexId);
    return slot?.running !== undefined || slot?.queued !== undefined;
  }

  /** Resolves once nothing runs or is queued for `indexId` (or for any index). */
  async idle(indexId?: string): Promise<void> {
    for (;;) {
      const slots = indexId === undefined ? [...this.slots.values()] : [this.slots.get(indexId)];
      const pending = slots.flatMap((s) => [s?.running, s?.queued]).filter((p) => p !== undefined);
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }
}
