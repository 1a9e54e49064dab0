// The HNSW graph of one index and how it comes to exist. Below the index's `annThreshold` there is none
// (exact search). Crossing it, the graph is built synchronously when that is cheaper than a worker thread,
// otherwise on a worker (ann-build-thread.ts) while queries keep using the exact scan. A background build
// works on a copy of the live rows taken when it starts; writes during the build are caught up before the
// finished graph is swapped in, so the graph always holds exactly the live slots:
//   - slots below the build's `start` (the slot count when it copied) that die meanwhile are recorded and
//     removed from the loaded graph (slots are written once, so a slot dies at most once);
//   - live slots at or above `start` are added. When that catch-up is itself too big for the event loop, it
//     runs as another worker round that starts from the finished graph file.
// Swapping in (load + catch-up) is one synchronous step, so no write or query sees a half-updated graph.

import { rm } from 'node:fs/promises';
import { AnnBuildThread } from './ann-build-thread.js';
import { annBuildPath } from './index-files.js';
import { type AnnParameters, UsearchAnn } from './usearch-ann.js';
import type { VectorMetric } from './vector-engine.js';
import type { VectorStore } from './vector-store.js';

export interface IndexGraphOptions {
  /** The index folder, where background builds write their graph file. */
  dir: string;
  dimension: number;
  metric: VectorMetric;
  annThreshold: number;
  ann: AnnParameters;
  /** Called when a background build fails (the index stays on exact search; a later write retries). */
  onBuildError: (error: Error) => void;
}

export type AnnState = 'exact' | 'building' | 'ready' | 'failed';

export interface AnnStatus {
  /** `exact`: no graph is due (below the threshold); `failed`: the last build failed, none is running. */
  state: AnnState;
  /** Why the last build failed, while `state` is `failed`. */
  error?: string;
  /** Vectors in the graph, while `state` is `ready` (equal to the index's live count). */
  graphVectors?: number;
  /** Build rounds run on a worker by this open index so far (a long build's catch-up is a round too). */
  workerRounds: number;
}

/**
 * Builds of at most this much work — vectors × (dimension + 64) — run synchronously on the event loop. The
 * work measure and the number are from timing usearch (M 16, ef construction 128, two shared vCPUs) against
 * a worker round trip (start, load usearch, transfer, save, load: ≈ 50–60 ms, plus ≈ 2 ms per 1,000 × 384
 * graph saved and loaded): the build costs about 36 ms for 1,000 × 32, 60 ms for 500 × 384, 150 ms for
 * 1,000 × 384 and 95 ms for 250 × 1,536, so the crossover is ≈ 1,500 vectors at 32 dimensions, ≈ 350 at
 * 384 and ≈ 100 at 1,536. The 64 approximates the per-vector cost of walking the graph.
 */
export const SYNC_BUILD_WORK = 150_000;
const ROW_OVERHEAD = 64;
/** Catch-up rounds on a worker before the rest is caught up on the event loop, so a build always ends. */
const MAX_ROUNDS = 4;

export function buildsOnWorker(vectors: number, dimension: number): boolean {
  return vectors * (dimension + ROW_OVERHEAD) > SYNC_BUILD_WORK;
}

interface RunningBuild {
  thread: AnnBuildThread;
  output: string;
  /** The previous round's graph this round starts from; deleted when the round ends. */
  base: string | undefined;
  /** The slot count when the rows were copied: slots from here on are caught up when the build ends. */
  start: number;
  /** Slots below `start` that died during the build. */
  died: number[];
  round: number;
}

export class IndexGraph {
  /** The graph queries use, once built; undefined while there is none or one is being built. */
  current: UsearchAnn | undefined;
  /** Whether `current` differs from the graph file of the current generation. */
  unsaved = false;
  private running: RunningBuild | undefined;
  private failure: Error | undefined;
  private builds = 0;
  private readonly cleanups = new Set<Promise<void>>();
  private waiters: Array<() => void> = [];

  constructor(
    private store: VectorStore,
    private readonly options: IndexGraphOptions,
  ) {}

  status(): AnnStatus {
    const workerRounds = this.builds;
    if (this.current !== undefined) return { state: 'ready', graphVectors: this.current.size, workerRounds };
    if (this.running !== undefined) return { state: 'building', workerRounds };
    if (this.failure !== undefined) return { state: 'failed', error: this.failure.message, workerRounds };
    return { state: 'exact', workerRounds };
  }

  /** Resolves once no build is running (graph in, failed or abandoned) and finished builds' files are gone. */
  async settled(): Promise<AnnStatus> {
    while (this.running !== undefined) await new Promise<void>((resolve) => this.waiters.push(resolve));
    while (this.cleanups.size > 0) await Promise.all(this.cleanups);
    return this.status();
  }

  /** The files a running build owns, which a checkpoint's sweep of temporaries must leave alone. */
  filesInUse(): ReadonlySet<string> {
    const build = this.running;
    const files = new Set<string>();
    if (build !== undefined) {
      files.add(build.output);
      if (build.base !== undefined) files.add(build.base);
    }
    return files;
  }

  /** Takes the graph saved with the snapshot being opened. */
  loadSaved(path: string): void {
    const ann = this.newAnn();
    ann.load(path);
    this.current = ann;
  }

  /** Builds a graph, or starts building one, when the index has reached the threshold and has none. */
  buildIfDue(): void {
    if (this.current !== undefined || this.running !== undefined) return;
    if (this.store.liveCount < this.options.annThreshold) return;
    const slots = Uint32Array.from(this.store.liveSlots());
    if (buildsOnWorker(slots.length, this.options.dimension)) {
      this.startRound(undefined, new Uint32Array(0), slots, 1);
      return;
    }
    const ann = this.newAnn();
    ann.add(slots, this.store.rows(slots));
    this.adopt(ann);
  }

  /** After the store took `slots` (new records). */
  added(slots: readonly number[]): void {
    // During a build these are at or above its `start`: caught up when it finishes.
    this.current?.add(slots, this.store.rows(slots));
  }

  /** After the store killed `slots` (deleted or replaced records). */
  removed(slots: readonly number[]): void {
    if (this.current !== undefined) this.current.remove(slots);
    else if (this.running !== undefined) {
      const { start, died } = this.running;
      for (const slot of slots) if (slot < start) died.push(slot);
    }
  }

  /** After a compaction renumbered the slots: the graph (built or building) is for the old numbering. */
  replaceStore(store: VectorStore): void {
    this.abandon();
    this.store = store;
    this.current = undefined;
    this.unsaved = false;
    this.buildIfDue();
  }

  /** After a checkpoint saved `saved` with its generation (a graph swapped in meanwhile stays unsaved). */
  markSaved(saved: UsearchAnn | undefined): void {
    if (saved === this.current) this.unsaved = false;
  }

  /** Stops a running build; its worker is terminated and its files deleted in the background. */
  abandon(): void {
    const build = this.running;
    if (build === undefined) return;
    this.running = undefined;
    this.track(build.thread.abandon().then(() => removeFile(build.base)));
    this.wake();
  }

  /** Abandons a running build and waits until its worker has exited and its files are gone. */
  async close(): Promise<void> {
    this.abandon();
    while (this.cleanups.size > 0) await Promise.all(this.cleanups);
  }

  private newAnn(): UsearchAnn {
    return new UsearchAnn(this.options.dimension, this.options.metric, this.options.ann);
  }

  private adopt(ann: UsearchAnn): void {
    this.current = ann;
    this.unsaved = true;
    this.failure = undefined;
  }

  private startRound(
    base: string | undefined,
    remove: Uint32Array<ArrayBuffer>,
    slots: Uint32Array<ArrayBuffer>,
    round: number,
  ): void {
    const output = annBuildPath(this.options.dir, ++this.builds);
    const rows = this.store.rows(slots);
    const { dimension, metric, ann: parameters } = this.options;
    let thread: AnnBuildThread;
    try {
      thread = new AnnBuildThread({
        dimension,
        metric,
        parameters,
        ...(base === undefined ? {} : { base }),
        remove,
        slots,
        rows,
        output,
      });
    } catch (error) {
      // The write that got here is durable already: a build that cannot even start is a failed build.
      this.failed(error instanceof Error ? error : new Error(String(error)), [base]);
      return;
    }
    const build: RunningBuild = { thread, output, base, start: this.store.slotCount, died: [], round };
    this.running = build;
    thread.finished.then(
      () => this.finish(build),
      (error: Error) => this.fail(build, error),
    );
  }

  private finish(build: RunningBuild): void {
    if (this.running !== build) return; // abandoned meanwhile; its cleanup deletes the file
    const fresh: number[] = [];
    for (let slot = build.start; slot < this.store.slotCount; slot++)
      if (this.store.isLive(slot)) fresh.push(slot);
    if (build.round < MAX_ROUNDS && buildsOnWorker(fresh.length, this.options.dimension)) {
      // Too many writes arrived during the build to add them here: one more round, from this graph.
      this.track(removeFile(build.base));
      this.startRound(build.output, Uint32Array.from(build.died), Uint32Array.from(fresh), build.round + 1);
      return;
    }
    let ann: UsearchAnn;
    try {
      ann = this.newAnn();
      ann.load(build.output);
      ann.remove(build.died);
      ann.add(fresh, this.store.rows(fresh));
    } catch (error) {
      this.fail(build, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.running = undefined;
    this.adopt(ann);
    this.track(Promise.all([removeFile(build.output), removeFile(build.base)]).then(() => undefined));
    this.wake();
  }

  private fail(build: RunningBuild, error: Error): void {
    if (this.running !== build) return;
    this.running = undefined;
    this.failed(error, [build.output, build.base]);
  }

  private failed(error: Error, files: ReadonlyArray<string | undefined>): void {
    this.failure = error;
    this.track(Promise.all(files.map(removeFile)).then(() => undefined));
    this.wake();
    try {
      this.options.onBuildError(error);
    } catch {
      // A throwing hook must not become an unhandled rejection; the status still reports the failure.
    }
  }

  private track(cleanup: Promise<void>): void {
    const tracked = cleanup.catch(() => undefined).finally(() => this.cleanups.delete(tracked));
    this.cleanups.add(tracked);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

async function removeFile(path: string | undefined): Promise<void> {
  if (path !== undefined) await rm(path, { force: true });
}
