// Keeps a delta-sync index in step with its source table. The first sync (and any sync after the table's
// kept history stopped reaching back to the index's version) reads every row; later syncs ask the table
// which keys changed or went away since the version the index reflects, re-read only those, re-embed only
// those and delete the rest. Every read runs AS THE INDEX OWNER through the governed SQL path: the owner's
// row filter bounds what is indexed (and masks shape what is stored); callers are re-filtered at query time.

import type { Actor, Catalog, Securable } from '../../catalog/index.js';
import { LakegateError, nowIso, toLakegateError } from '../../core/index.js';
import type { GovernedData } from '../../data/index.js';
import type { VectorIndex, VectorRecord } from '../engine/vector-engine.js';
import type { RetrievalModels } from '../model-calls.js';
import type { EngineHandles } from './engine-handles.js';
import { type GovernedRow, readAllRows, readRowsByKey } from './governed-rows.js';
import type { IndexDefinition } from './index-definition.js';
import type { IndexStates } from './index-state.js';
import { metadataOf, vectorOf } from './index-values.js';

/** Texts per embedding call. */
export const EMBED_BATCH = 64;

export interface SyncContext {
  catalog: Catalog;
  data: GovernedData;
  models: RetrievalModels;
  handles: EngineHandles;
  states: IndexStates;
}

/** The principal that owns the index, as the actor its syncs run as. */
export async function ownerActor(catalog: Catalog, ownerId: string): Promise<Actor> {
  const owner = await catalog.identity.getPrincipal(ownerId);
  if (!owner || owner.kind === 'group') {
    throw new LakegateError(
      'UNSUPPORTED_OPERATION',
      'The index owner must be a user or a service principal: syncs read the source table as the owner.',
    );
  }
  return { principalId: owner.id, name: owner.name, kind: owner.kind, isAdmin: owner.isAdmin };
}

/** Syncs once; records success or the error in the index state (and rethrows nothing). */
export async function syncIndex(
  ctx: SyncContext,
  index: Securable,
  definition: IndexDefinition,
  options: { full?: boolean } = {},
): Promise<void> {
  try {
    await runSync(ctx, index, definition, options.full === true);
  } catch (error) {
    await ctx.states.update(index.id, { lastError: toLakegateError(error).message }).catch(() => undefined);
  }
}

async function runSync(ctx: SyncContext, index: Securable, definition: IndexDefinition, full: boolean) {
  const source = definition.source;
  if (!source) return;
  const owner = await ownerActor(ctx.catalog, index.ownerId);
  const table = await ctx.data.sql.findReadable(owner, source.fullName);
  if (table.id !== source.id) {
    throw new LakegateError(
      'UNSUPPORTED_OPERATION',
      `The source table '${source.fullName}' was dropped and created again; create the index again.`,
    );
  }
  const state = await ctx.states.get(index.id);
  const writer = new IndexWriter(ctx, index.id, definition, owner, state?.dimension ?? definition.dimension);
  let version: number;
  const changes =
    full || state?.lastVersion === null || state?.lastVersion === undefined
      ? undefined
      : await ctx.data.tables.changesSince(table, definition.primaryKey, state.lastVersion);
  if (changes === undefined) {
    // The version is read before the rows: a write in between is re-read by the next sync.
    version = (await ctx.data.tables.history(owner, source.fullName))[0]?.version ?? 0;
    const rows = await readAllRows(
      ctx.data,
      owner,
      source.fullName,
      definition.primaryKey,
      definition.columns,
    );
    await writer.reset();
    await writer.apply(rows, []);
  } else {
    version = changes.version;
    const touched = [...new Set([...changes.changedKeys, ...changes.removedKeys])];
    if (touched.length > 0) {
      const rows = await readRowsByKey(
        ctx.data,
        owner,
        source.fullName,
        definition.columns[0]!,
        definition.columns,
        touched,
      );
      // Keys gone from the table, or now outside the owner's row filter, leave the index.
      await writer.apply(
        [...rows.values()],
        touched.filter((key) => !rows.has(key)),
      );
    }
  }
  await ctx.states.update(index.id, {
    fullName: index.fullName,
    lastVersion: version,
    lastError: null,
    syncedAt: nowIso(),
    dimension: writer.dimension ?? null,
  });
  await ctx.catalog.lineage.record({
    sourceType: 'table',
    sourceName: source.fullName,
    targetType: 'vector_index',
    targetName: index.fullName,
    kind: 'INDEX_SYNC',
    principalId: owner.principalId,
  });
}

/** Turns governed rows into engine records (embedding text in batches) and writes them. */
class IndexWriter {
  private index: VectorIndex | undefined;
  private opened = false;
  /**
   * One signal for this sync's model calls. The router follows a call's signal with a listener it does
   * not remove, so a signal shared by every call would collect listeners for the life of the process.
   */
  private readonly signal = new AbortController().signal;

  constructor(
    private readonly ctx: SyncContext,
    private readonly indexId: string,
    private readonly definition: IndexDefinition,
    private readonly owner: Actor,
    public dimension: number | undefined,
  ) {}

  /** A full sync starts from an empty engine index. */
  async reset(): Promise<void> {
    await this.ctx.handles.drop(this.indexId);
    this.index = undefined;
    this.opened = true;
  }

  private async target(dimension: number): Promise<VectorIndex> {
    if (!this.opened) {
      this.index = await this.ctx.handles.open(this.indexId);
      this.opened = true;
    }
    if (!this.index) {
      this.index = await this.ctx.handles.create(this.indexId, { dimension, metric: 'cosine' });
      this.dimension = dimension;
      // Recorded at once: a failure later in this sync must not lose what the index was created with.
      await this.ctx.states.update(this.indexId, { dimension });
    }
    return this.index;
  }

  async apply(rows: readonly GovernedRow[], removed: readonly string[]): Promise<void> {
    const { columns, textColumn, vectorColumn } = this.definition;
    const skip = new Set([textColumn, vectorColumn].filter((c) => c !== undefined));
    const textAt = textColumn ? columns.findIndex((c) => c.name === textColumn) : -1;
    const vectorAt = vectorColumn ? columns.findIndex((c) => c.name === vectorColumn) : -1;
    const gone = [...removed];
    const pending: Array<{ row: GovernedRow; text: string }> = [];
    const flush = async () => {
      const batch = pending.splice(0, pending.length);
      if (batch.length === 0) return;
      const vectors = await this.ctx.models.embed(
        this.owner,
        this.definition.embeddingModel ?? '',
        batch.map((b) => b.text),
        'search_document',
        { signal: this.signal },
      );
      if (vectors.length !== batch.length) {
        throw new LakegateError(
          'MODEL_UPSTREAM_BAD_RESPONSE',
          'The embedding model returned a wrong number of vectors.',
        );
      }
      await this.write(
        batch.map(({ row, text }, i) => ({
          id: row.key,
          vector: vectors[i]!,
          metadata: metadataOf(columns, row.values, skip),
          text,
        })),
      );
    };
    const ready: VectorRecord[] = [];
    for (const row of rows) {
      if (textAt >= 0) {
        const text = row.values[textAt];
        // A row without text has nothing to embed: it is not indexed (and leaves the index if it was).
        if (typeof text !== 'string' || text.trim() === '') {
          gone.push(row.key);
          continue;
        }
        pending.push({ row, text });
        if (pending.length >= EMBED_BATCH) await flush();
      } else {
        const vector = vectorOf(row.values[vectorAt]);
        if (!vector) {
          gone.push(row.key);
          continue;
        }
        ready.push({ id: row.key, vector, metadata: metadataOf(columns, row.values, skip) });
        if (ready.length >= 1024) await this.write(ready.splice(0, ready.length));
      }
    }
    await flush();
    await this.write(ready);
    if (gone.length > 0) {
      if (!this.opened) {
        this.index = await this.ctx.handles.open(this.indexId);
        this.opened = true;
      }
      await this.index?.delete(gone);
    }
  }

  private async write(records: VectorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const index = await this.target(this.dimension ?? records[0]!.vector.length);
    await index.upsert(records);
  }
}
