// One index of the embedded backend: records in memory (vector-store.ts), BM25 over their text, an HNSW
// graph (usearch) once the index reaches `annThreshold` live vectors — built on a worker thread when large
// (index-graph.ts) — and durability through a write-ahead
// log plus snapshots (index-files.ts). Writes are serialised through one promise chain; reads run against
// the in-memory state, which a batch changes in one synchronous step after its log frame is durable — a
// reader sees a batch entirely or not at all.
// Vector queries use exact search below `annThreshold` live vectors and while the graph is being built, and
// the graph otherwise (ann-search.ts).

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { LakegateError } from '../../core/index.js';
import { annSearch } from './ann-search.js';
import { Bm25Index } from './bm25-index.js';
import { exactSearch, publicScore } from './exact-search.js';
import {
  annPath,
  decodeFrames,
  encodeFrame,
  FRAME_DELETE,
  FRAME_SNAPSHOT,
  FRAME_UPSERT,
  fsyncDirectory,
  latestGeneration,
  manifestPath,
  readIfExists,
  removeOtherGenerations,
  replaceFileAtomic,
  snapshotPath,
  WriteAheadLog,
  walPath,
  writeFileAtomic,
} from './index-files.js';
import { type AnnStatus, IndexGraph } from './index-graph.js';
import { compileMetadataFilter, type MetadataFilter, type MetadataPredicate } from './metadata-filter.js';
import { fuseVectorAndText } from './reciprocal-rank-fusion.js';
import { TopK } from './top-k.js';
import type { AnnParameters } from './usearch-ann.js';
import {
  MAX_K,
  type RecordHeader,
  validateFusion,
  validateIds,
  validateK,
  validateQueryText,
  validateQueryVector,
  validateRecords,
  validateSpec,
} from './validate-input.js';
import type {
  HybridQuery,
  TextQuery,
  VectorHit,
  VectorIndex,
  VectorIndexSpec,
  VectorMetric,
  VectorQuery,
  VectorRecord,
} from './vector-engine.js';
import { VectorStore } from './vector-store.js';

export interface EmbeddedIndexOptions {
  /** Live vectors from which queries use the HNSW graph instead of an exact scan. */
  annThreshold: number;
  ann: AnnParameters;
  /** Log size after which a write folds the log into a new snapshot. */
  walCheckpointBytes: number;
  /** Told when a background graph build fails (the index stays on exact search; a later write retries). */
  onAnnBuildError?: (indexId: string, error: Error) => void;
}

const FORMAT_VERSION = 1;

interface SnapshotHeader {
  format: number;
  slots: number[];
  records: RecordHeader[];
}

function isSnapshotHeader(value: unknown): value is SnapshotHeader {
  const header = value as SnapshotHeader;
  return header?.format === FORMAT_VERSION && Array.isArray(header.slots) && Array.isArray(header.records);
}

/** A query's filter compiled (and validated) once per query; no filter passes everything. */
function predicateOf(filter: MetadataFilter | undefined): MetadataPredicate | undefined {
  return filter === undefined ? undefined : compileMetadataFilter(filter);
}

export class EmbeddedVectorIndex implements VectorIndex {
  readonly dimension: number;
  readonly metric: VectorMetric;
  private store: VectorStore;
  private bm25 = new Bm25Index();
  private readonly graph: IndexGraph;
  private writes: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly id: string,
    private readonly dir: string,
    spec: VectorIndexSpec,
    private readonly options: EmbeddedIndexOptions,
    private generation: number,
    private wal: WriteAheadLog,
    private readonly onClose: () => void,
  ) {
    this.dimension = spec.dimension;
    this.metric = spec.metric;
    this.store = new VectorStore(spec.dimension, spec.metric);
    const onAnnBuildError = options.onAnnBuildError;
    this.graph = new IndexGraph(this.store, {
      dir,
      dimension: spec.dimension,
      metric: spec.metric,
      annThreshold: options.annThreshold,
      ann: options.ann,
      onBuildError: (error) => onAnnBuildError?.(id, error),
    });
  }

  static async create(
    id: string,
    dir: string,
    spec: VectorIndexSpec,
    options: EmbeddedIndexOptions,
    onClose: () => void,
  ): Promise<EmbeddedVectorIndex> {
    validateSpec(spec);
    await mkdir(dir, { recursive: true });
    const manifest = { format: FORMAT_VERSION, dimension: spec.dimension, metric: spec.metric };
    await writeFileAtomic(manifestPath(dir), `${JSON.stringify(manifest)}\n`);
    fsyncDirectory(dir);
    return EmbeddedVectorIndex.open(id, dir, options, onClose);
  }

  static async open(
    id: string,
    dir: string,
    options: EmbeddedIndexOptions,
    onClose: () => void,
  ): Promise<EmbeddedVectorIndex> {
    const manifestBytes = await readIfExists(manifestPath(dir));
    if (manifestBytes === undefined)
      throw new LakegateError('NOT_FOUND', `Vector index "${id}" does not exist.`, {
        details: { indexId: id },
      });
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as VectorIndexSpec & { format: number };
    if (manifest.format !== FORMAT_VERSION)
      throw new LakegateError('UNSUPPORTED_OPERATION', `Vector index "${id}" has an unknown format.`);
    const generation = await latestGeneration(dir);
    await removeOtherGenerations(dir, generation);
    const walBytes = (await readIfExists(walPath(dir, generation))) ?? Buffer.alloc(0);
    const log = decodeFrames(walBytes);
    const wal = await WriteAheadLog.open(walPath(dir, generation), log.validLength);
    const index = new EmbeddedVectorIndex(id, dir, manifest, options, generation, wal, onClose);
    await index.loadSnapshot();
    for (const frame of log.frames) {
      if (frame.kind === FRAME_UPSERT) index.applyUpsert(frame.header as RecordHeader[], frame.vectors);
      else if (frame.kind === FRAME_DELETE) index.applyDelete(frame.header as string[]);
    }
    index.graph.buildIfDue();
    return index;
  }

  private async loadSnapshot(): Promise<void> {
    const bytes = await readIfExists(snapshotPath(this.dir, this.generation));
    if (bytes === undefined) return;
    const { frames } = decodeFrames(bytes);
    const frame = frames[0];
    // Snapshots are renamed into place only once complete and synced, so a bad one is real corruption.
    if (frame?.kind !== FRAME_SNAPSHOT || !isSnapshotHeader(frame.header))
      throw new LakegateError('INTERNAL', `Vector index "${this.id}" has a damaged snapshot.`);
    const { slots, records } = frame.header;
    records.forEach((record, i) => {
      const slot = slots[i]!;
      this.store.restore(
        slot,
        record.id,
        frame.vectors.subarray(i * this.dimension, (i + 1) * this.dimension),
        record.metadata && Object.freeze(record.metadata),
        record.text,
      );
      if (record.text !== undefined) this.bm25.add(slot, record.text);
    });
    if (existsSync(annPath(this.dir, this.generation)))
      this.graph.loadSaved(annPath(this.dir, this.generation));
  }

  // ---- writes -------------------------------------------------------------------------------------------

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.assertOpen();
    const run = this.writes.then(work);
    this.writes = run.catch(() => undefined);
    return run;
  }

  private assertOpen(): void {
    if (this.closed) throw new LakegateError('UNSUPPORTED_OPERATION', `Vector index "${this.id}" is closed.`);
  }

  async upsert(records: readonly VectorRecord[]): Promise<void> {
    return this.exclusive(async () => {
      const { headers, vectors } = validateRecords(records, this);
      if (headers.length === 0) return;
      await this.wal.append(encodeFrame(FRAME_UPSERT, headers, vectors));
      this.applyUpsert(headers, vectors);
      this.graph.buildIfDue();
      if (this.wal.size >= this.options.walCheckpointBytes) await this.writeCheckpoint();
    });
  }

  async delete(ids: readonly string[]): Promise<number> {
    return this.exclusive(async () => {
      const present = validateIds(ids).filter((id) => this.store.slotOf(id) !== undefined);
      if (present.length === 0) return 0;
      await this.wal.append(encodeFrame(FRAME_DELETE, present));
      this.applyDelete(present);
      return present.length;
    });
  }

  /** Waits for a graph build that is running (so that its graph is saved too), then checkpoints. */
  async checkpoint(): Promise<void> {
    this.assertOpen();
    await this.graph.settled();
    return this.exclusive(() => this.writeCheckpoint());
  }

  /**
   * Checkpoints and closes. A graph build that is still running is abandoned rather than awaited (it can
   * take a minute; shutting down should not): its worker stops, its file is deleted, and the next open
   * builds the graph again in the background.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.exclusive(async () => {
      this.graph.abandon();
      if (this.wal.size > 0 || this.graph.unsaved) await this.writeCheckpoint();
      await this.wal.close();
    });
    this.closed = true;
    await this.graph.close();
    this.onClose();
  }

  /** Whether vector queries use the graph (`ready`) or the exact scan, and why. */
  annStatus(): AnnStatus {
    return this.graph.status();
  }

  /** Resolves once no graph build is running (for benches, tests and operators waiting on a rebuild). */
  annSettled(): Promise<AnnStatus> {
    return this.graph.settled();
  }

  private applyUpsert(headers: readonly RecordHeader[], vectors: Float32Array): void {
    const added: number[] = [];
    const replaced: number[] = [];
    headers.forEach((header, i) => {
      const vector = vectors.subarray(i * this.dimension, (i + 1) * this.dimension);
      const { slot, replaced: old } = this.store.put(header.id, vector, header.metadata, header.text);
      if (old !== undefined) {
        this.forgetText(old);
        replaced.push(old);
      }
      if (header.text !== undefined) this.bm25.add(slot, header.text);
      added.push(slot);
    });
    this.graph.removed(replaced);
    this.graph.added(added);
  }

  private applyDelete(ids: readonly string[]): void {
    const removed: number[] = [];
    for (const id of ids) {
      const slot = this.store.remove(id);
      if (slot === undefined) continue;
      this.forgetText(slot);
      removed.push(slot);
    }
    this.graph.removed(removed);
  }

  private forgetText(slot: number): void {
    const text = this.store.textAt(slot);
    if (text !== undefined) this.bm25.remove(slot, text);
    this.store.forgetText(slot);
  }

  /** Writes generation g+1 (snapshot, then graph), then deletes generation g. Runs inside `exclusive`. */
  private async writeCheckpoint(): Promise<void> {
    // Mostly-dead slot space is compacted by rebuilding from the live records (which renumbers slots).
    if (this.store.deadCount > Math.max(1024, this.store.liveCount)) this.compact();
    const next = this.generation + 1;
    const slots = [...this.store.liveSlots()];
    const header: SnapshotHeader = {
      format: FORMAT_VERSION,
      slots,
      records: slots.map((slot) => {
        const metadata = this.store.metadataAt(slot);
        const text = this.store.textAt(slot);
        return {
          id: this.store.idAt(slot),
          ...(Object.keys(metadata).length === 0 ? {} : { metadata }),
          ...(text === undefined ? {} : { text }),
        };
      }),
    };
    // The graph may be swapped in while this awaits; only the one saved here counts as saved.
    const ann = this.graph.current;
    if (ann !== undefined)
      await replaceFileAtomic(annPath(this.dir, next), (temporary) => ann.save(temporary));
    await writeFileAtomic(
      snapshotPath(this.dir, next),
      encodeFrame(FRAME_SNAPSHOT, header, this.store.rows(slots)),
    );
    fsyncDirectory(this.dir);
    await this.wal.close();
    this.generation = next;
    this.wal = await WriteAheadLog.open(walPath(this.dir, next), 0);
    this.graph.markSaved(ann);
    await removeOtherGenerations(this.dir, next, this.graph.filesInUse());
  }

  private compact(): void {
    const old = this.store;
    const store = new VectorStore(this.dimension, this.metric, Math.max(1024, old.liveCount));
    const bm25 = new Bm25Index();
    for (const slot of old.liveSlots()) {
      const text = old.textAt(slot);
      const { slot: fresh } = store.put(old.idAt(slot), old.vectorAt(slot), old.metadataAt(slot), text);
      if (text !== undefined) bm25.add(fresh, text);
    }
    this.store = store;
    this.bm25 = bm25;
    this.graph.replaceStore(store);
  }

  // ---- reads --------------------------------------------------------------------------------------------

  async count(): Promise<number> {
    this.assertOpen();
    return this.store.liveCount;
  }

  async queryVector(query: VectorQuery): Promise<VectorHit[]> {
    this.assertOpen();
    validateK(query.k);
    const vector = validateQueryVector(query.vector, this);
    const predicate = predicateOf(query.filter);
    return this.vectorTop(vector, query.k, predicate).map(({ slot, score }) =>
      this.hit(slot, publicScore(this.metric, score)),
    );
  }

  async queryText(query: TextQuery): Promise<VectorHit[]> {
    this.assertOpen();
    validateK(query.k);
    validateQueryText(query.text);
    const predicate = predicateOf(query.filter);
    return this.textTop(query.text, query.k, predicate).map(({ slot, score }) => this.hit(slot, score));
  }

  async queryHybrid(query: HybridQuery): Promise<VectorHit[]> {
    this.assertOpen();
    validateK(query.k);
    validateQueryText(query.text);
    const vector = validateQueryVector(query.vector, this);
    const predicate = predicateOf(query.filter);
    if (query.candidates !== undefined) validateK(query.candidates);
    const candidates = Math.min(MAX_K, Math.max(query.k, query.candidates ?? Math.max(4 * query.k, 40)));
    const fusion = validateFusion(query);
    const byVector = this.vectorTop(vector, candidates, predicate).map(({ slot }) => slot);
    const byText = this.textTop(query.text, candidates, predicate).map(({ slot }) => slot);
    return fuseVectorAndText(byVector, byText, fusion)
      .slice(0, query.k)
      .map(({ item, score }) => this.hit(item, score));
  }

  private hit(slot: number, score: number): VectorHit {
    const text = this.store.textAt(slot);
    return {
      id: this.store.idAt(slot),
      score,
      metadata: this.store.metadataAt(slot),
      ...(text === undefined ? {} : { text }),
    };
  }

  private vectorTop(query: Float32Array, k: number, predicate: MetadataPredicate | undefined) {
    const ann = this.graph.current;
    return ann !== undefined && this.store.liveCount >= this.options.annThreshold
      ? annSearch(this.store, ann, query, k, predicate)
      : exactSearch(this.store, query, k, predicate);
  }

  private textTop(text: string, k: number, predicate: MetadataPredicate | undefined) {
    const top = new TopK(k);
    let threshold = Number.NEGATIVE_INFINITY; // top.threshold, re-read only after an offer
    this.bm25.forEachScore(text, (slot, score) => {
      if (score <= threshold) return;
      if (predicate !== undefined && !predicate(this.store.metadataAt(slot))) return;
      top.offer(slot, score);
      threshold = top.threshold;
    });
    return top.drain();
  }
}
