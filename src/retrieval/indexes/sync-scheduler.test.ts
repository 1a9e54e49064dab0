// The scheduler's two promises: syncs of one index never overlap, and a burst of requests while one runs
// costs exactly one more run, which every request of the burst waits for.

import { describe, expect, it } from 'vitest';
import { SyncScheduler } from './sync-scheduler.js';

describe('SyncScheduler', () => {
  it('runs one at a time per index and coalesces a burst into one more run', async () => {
    const scheduler = new SyncScheduler();
    let runs = 0;
    let running = 0;
    let overlap = false;
    const work = async () => {
      runs += 1;
      running += 1;
      if (running > 1) overlap = true;
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
    };
    const first = scheduler.request('a', work);
    expect(scheduler.busy('a')).toBe(true);
    const burst = Array.from({ length: 10 }, () => scheduler.request('a', work));
    await Promise.all([first, ...burst]);
    expect(runs).toBe(2);
    expect(overlap).toBe(false);
    expect(scheduler.busy('a')).toBe(false);
    await scheduler.request('a', work);
    expect(runs).toBe(3);
  });

  it('keeps going after a failed run and waits for everything on idle', async () => {
    const scheduler = new SyncScheduler();
    const done: string[] = [];
    void scheduler.request('a', async () => {
      throw new Error('boom');
    });
    void scheduler.request('a', async () => {
      done.push('a');
    });
    void scheduler.request('b', async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      done.push('b');
    });
    await scheduler.idle();
    expect(done.sort()).toEqual(['a', 'b']);
  });
});
