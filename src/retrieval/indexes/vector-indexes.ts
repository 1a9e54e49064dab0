// Vector indexes as governed securables (`catalog.schema.index`, created with CREATE TABLE on the schema):
// creation checked against the source table (SELECT, and no embedding of a masked column unless asked for),
// syncs triggered by every committed write to the source table and on demand, and queries authorised as
// SELECT or QUERY on the index plus, for a table-synced index, SELECT on the source table, then re-read
// as the caller (query-index.ts). Every query is audited with the keys it returned, never its text.
// The vectors live in the process's one VectorEngine, each index under its securable id.

import { type Actor, accessEvent, type Catalog, notFoundError, type Securable } from '../../catalog/index.js';
import {
  isLakegateError,
  isRecord,
  LakegateError,
  toLakegateError,
  validationError,
} from '../../core/index.js';
import type { GovernedData } from '../../data/index.js';
import type { VectorEngine } from '../engine/vector-engine.js';
import type { RetrievalModels } from '../model-calls.js';
import { keysOf, recordsOfRows } from './direct-access-rows.js';
import { EngineHandles } from './engine-handles.js';
import { GovernedRowCache } from './governed-row-cache.js';
import {
  type CreateVectorIndex,
  defineDeltaSync,
  defineDirectAccess,
  definitionOf,
  detailsOf,
  type IndexDefinition,
  tableColumns,
} from './index-definition.js';
import { IndexStates } from './index-state.js';
import type { SyncContext } from './index-sync.js';
import { type IndexQuery, type IndexQueryResult, queryIndex, ReadableShares } from './query-index.js';
import { ReadConnections } from './read-connections.js';
import { SyncTriggers } from './sync-triggers.js';

export interface VectorIndexesOptions {
  catalog: Catalog;
  data: GovernedData;
  models: RetrievalModels;
  engine: VectorEngine;
}

export type IndexState = 'ONLINE' | 'SYNCING' | 'FAILED';

export interface IndexStatus {
  state: IndexState;
  /** Records in the engine index. */
  rowsIndexed: number;
  /** The source table version the index reflects (delta sync); null before the first sync. */
  lastSyncedVersion: number | null;
  lastSyncedAt: string | null;
  /** Why the last sync failed; null after a successful one. */
  lastError: string | null;
}

export interface VectorIndexInfo {
  securable: Securable;
  definition: IndexDefinition;
  status: IndexStatus;
}

export interface DataChangeResult {
  successRowCount: number;
}

const ENGINE_ID = /^vix_[0-9a-f]{24}$/;

export class VectorIndexes {
  private readonly states: IndexStates;
  private readonly readableShare = new ReadableShares();
  /** Re-reads of query candidates reuse connections and prepared statements (nothing opens until used). */
  private readonly connections: ReadConnections;
  /** …and the rows earlier re-reads of the same rewritten statement returned, dropped on every write. */
  private readonly rowCache = new GovernedRowCache();
  private readonly unsubscribe: () => void;
  private readonly handles: EngineHandles;
  private readonly triggers: SyncTriggers;

  constructor(private readonly options: VectorIndexesOptions) {
    this.states = new IndexStates(options.data.engine);
    this.connections = new ReadConnections(options.data.engine);
    this.unsubscribe = options.data.tables.onCommitted((commit) =>
      this.rowCache.tableChanged(commit.tableId),
    );
    this.handles = new EngineHandles(options.engine);
    const sync: SyncContext = {
      catalog: options.catalog,
      data: options.data,
      models: options.models,
      handles: this.handles,
      states: this.states,
    };
    // Every committed write to a table syncs the indexes built on it, in the background.
    this.triggers = new SyncTriggers(sync);
  }

  async create(actor: Actor, request: CreateVectorIndex): Promise<VectorIndexInfo> {
    if (!isRecord(request)) throw validationError('A vector index request is an object.');
    if (typeof request.name !== 'string' || request.name.split('.').length !== 3) {
      throw validationError('The index name must be catalog.schema.index.');
    }
    let definition: IndexDefinition;
    if (request.indexType === 'DELTA_SYNC') {
      definition = await this.defineFromTable(actor, request);
    } else if (request.indexType === 'DIRECT_ACCESS') {
      definition = defineDirectAccess(request);
    } else {
      throw validationError('index_type must be DELTA_SYNC or DIRECT_ACCESS.');
    }
    const securable = await this.options.catalog.securables.createObject(
      actor,
      'vector_index',
      request.name,
      {
        comment: request.comment ?? null,
        details: detailsOf(definition),
      },
    );
    try {
      await this.states.put({
        indexId: securable.id,
        fullName: securable.fullName,
        sourceTableId: definition.source?.id ?? null,
        lastVersion: null,
        lastError: null,
        syncedAt: null,
        dimension: definition.dimension ?? null,
      });
      if (definition.indexType === 'DIRECT_ACCESS') {
        await this.handles.create(securable.id, {
          dimension: definition.dimension!,
          metric: 'cosine',
        });
      }
    } catch (error) {
      await this.states.remove(securable.id).catch(() => undefined);
      await this.options.catalog.securables
        .delete(actor, 'vector_index', securable.fullName)
        .catch(() => undefined);
      throw error;
    }
    if (definition.indexType === 'DELTA_SYNC') void this.triggers.schedule(securable);
    return this.info(securable, definition);
  }

  /** Checks the request against the source table the creator may read. */
  private async defineFromTable(actor: Actor, request: CreateVectorIndex): Promise<IndexDefinition> {
    const sourceName = request.deltaSync?.sourceTable;
    if (typeof sourceName !== 'string' || sourceName.split('.').length !== 3) {
      throw validationError('delta_sync_index_spec.source_table must be catalog.schema.table.');
    }
    // The creator owns the index and syncs run as the owner: it must read the table itself.
    const table = await this.options.data.sql.findReadable(actor, sourceName);
    if (!(await this.options.data.tables.hasStorage(table))) {
      throw new LakegateError(
        'UNSUPPORTED_OPERATION',
        `'${table.fullName}' is not a managed table with rows to index.`,
      );
    }
    const definition = defineDeltaSync(request, {
      fullName: table.fullName,
      id: table.id,
      columns: tableColumns(table.details),
    });
    const embedded = definition.textColumn ?? definition.vectorColumn!;
    const policies = await this.options.catalog.securables.getPolicies(actor, table.fullName);
    const masked = policies.masks.some((m) => m.column.toLowerCase() === embedded.toLowerCase());
    if (masked && !definition.allowMaskedColumns) {
      throw validationError(
        `Column "${embedded}" of '${table.fullName}' carries a column mask. Indexing it would let similarity ` +
          'search leak the masked values (results are masked, but which rows match is not). Set ' +
          'allow_masked_columns: true to index it anyway.',
      );
    }
    return definition;
  }

  async get(actor: Actor, name: string): Promise<VectorIndexInfo> {
    const securable = await this.resolve(actor, name);
    return this.info(securable, definitionOf(securable.details));
  }

  /** Every index the actor can see. */
  async list(actor: Actor): Promise<VectorIndexInfo[]> {
    const out: VectorIndexInfo[] = [];
    for (const state of await this.states.all()) {
      let securable: Securable;
      try {
        securable = await this.options.catalog.securables.get(actor, 'vector_index', state.fullName);
      } catch (error) {
        if (isLakegateError(error) && error.code === 'NOT_FOUND') continue;
        throw error;
      }
      if (securable.id !== state.indexId) continue;
      out.push(await this.info(securable, definitionOf(securable.details)));
    }
    return out.sort((a, b) => a.securable.fullName.localeCompare(b.securable.fullName));
  }

  /** Deletes the securable (MANAGE), then the vectors and the sync state. */
  async delete(actor: Actor, name: string): Promise<void> {
    const securable = await this.resolve(actor, name);
    await this.options.catalog.securables.delete(actor, 'vector_index', securable.fullName);
    await this.triggers.idle(securable.id);
    await this.handles.drop(securable.id);
    await this.states.remove(securable.id);
  }

  /** Syncs now (MANAGE on the index) and answers when that sync has finished; `full` re-reads every row. */
  async syncNow(actor: Actor, name: string, options: { full?: boolean } = {}): Promise<VectorIndexInfo> {
    const securable = await this.resolve(actor, name);
    await this.options.catalog.authorizer.require(actor, 'MANAGE', securable);
    const definition = definitionOf(securable.details);
    if (definition.indexType !== 'DELTA_SYNC') {
      throw validationError(
        'Only a DELTA_SYNC index syncs; write to a DIRECT_ACCESS index with upsert-data.',
      );
    }
    await this.triggers.schedule(securable, options.full === true);
    return this.info(securable, definition);
  }

  async query(actor: Actor, name: string, query: IndexQuery): Promise<IndexQueryResult> {
    let securable: Securable | undefined;
    try {
      securable = await this.resolve(actor, name);
      const definition = definitionOf(securable.details);
      await this.authorizeQuery(actor, securable, definition);
      const index = await this.handles.open(securable.id);
      const result = await queryIndex(
        {
          ...this.options,
          readableShare: this.readableShare,
          reads: { connections: this.connections, cache: this.rowCache },
        },
        actor,
        definition,
        index,
        query,
      );
      this.audit(actor, securable.fullName, 'allow', {
        query_type: result.queryType,
        num_results: query.numResults ?? 10,
        returned: result.keys.length,
        ids: result.keys,
        ...(query.filters !== undefined ? { filtered: true } : {}),
      });
      return result;
    } catch (error) {
      const failure = toLakegateError(error);
      const refused = failure.category === 'policy' || failure.code === 'NOT_FOUND';
      // The name as asked (cut short): it may be anything, and it is the caller's, not a securable's.
      this.audit(actor, securable?.fullName ?? String(name).slice(0, 300), refused ? 'deny' : 'allow', {
        query_type: query.queryType ?? 'ANN',
        error: failure.code,
      });
      throw error;
    }
  }

  /** DIRECT_ACCESS: upserts rows (MANAGE on the index); a batch with one bad row writes nothing. */
  async upsert(actor: Actor, name: string, rows: readonly unknown[]): Promise<DataChangeResult> {
    const { securable, definition } = await this.direct(actor, name);
    const records = recordsOfRows(definition, rows);
    const index = await this.handles.open(securable.id);
    if (!index) throw new LakegateError('INTERNAL', 'The index has no vector storage.');
    await index.upsert(records);
    this.audit(
      actor,
      securable.fullName,
      'allow',
      { operation: 'upsert', rows: records.length },
      'vector_index.write',
    );
    return { successRowCount: records.length };
  }

  /** DIRECT_ACCESS: deletes rows by primary key (MANAGE on the index). */
  async deleteRows(actor: Actor, name: string, keys: readonly unknown[]): Promise<DataChangeResult> {
    const { securable } = await this.direct(actor, name);
    const ids = keysOf(keys);
    const index = await this.handles.open(securable.id);
    const deleted = index ? await index.delete(ids) : 0;
    this.audit(
      actor,
      securable.fullName,
      'allow',
      { operation: 'delete', rows: deleted },
      'vector_index.write',
    );
    return { successRowCount: deleted };
  }

  /** Resolves once no sync runs or waits (tests, shutdown). */
  idle(): Promise<void> {
    return this.triggers.idle();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.triggers.close();
    this.connections.close();
  }

  private async direct(actor: Actor, name: string) {
    const securable = await this.resolve(actor, name);
    await this.options.catalog.authorizer.require(actor, 'MANAGE', securable);
    const definition = definitionOf(securable.details);
    if (definition.indexType !== 'DIRECT_ACCESS') {
      throw validationError('Rows are written to a DELTA_SYNC index through its source table, not by API.');
    }
    return { securable, definition };
  }

  /** SELECT or QUERY on the index and, for a table-synced index, SELECT on the source table. */
  private async authorizeQuery(
    actor: Actor,
    securable: Securable,
    definition: IndexDefinition,
  ): Promise<void> {
    const { authorizer } = this.options.catalog;
    if (
      !(await authorizer.authorize(actor, 'QUERY', securable)).allowed &&
      !(await authorizer.authorize(actor, 'SELECT', securable)).allowed
    ) {
      await authorizer.require(actor, 'QUERY', securable);
    }
    if (definition.source && !(await authorizer.authorize(actor, 'SELECT', definition.source.id)).allowed) {
      throw new LakegateError(
        'AUTH_PERMISSION_DENIED',
        `User '${actor.name}' does not have SELECT on the source table of vector index '${securable.fullName}'.`,
        { details: { securable_type: 'vector_index', full_name: securable.fullName, privilege: 'SELECT' } },
      );
    }
  }

  /** By full name, or by the engine index name (the securable id); the same NOT_FOUND for both. */
  private async resolve(actor: Actor, name: string): Promise<Securable> {
    if (typeof name !== 'string' || name === '') throw validationError('An index name is required.');
    if (!ENGINE_ID.test(name)) return this.options.catalog.securables.get(actor, 'vector_index', name);
    const state = await this.states.get(name);
    if (!state) throw notFoundError('vector_index', name);
    try {
      const securable = await this.options.catalog.securables.get(actor, 'vector_index', state.fullName);
      if (securable.id === name) return securable;
    } catch (error) {
      if (!(isLakegateError(error) && error.code === 'NOT_FOUND')) throw error;
    }
    throw notFoundError('vector_index', name);
  }

  private async info(securable: Securable, definition: IndexDefinition): Promise<VectorIndexInfo> {
    const state = await this.states.get(securable.id);
    const index = await this.handles.open(securable.id);
    const busy = this.triggers.busy(securable.id);
    return {
      securable,
      definition,
      status: {
        state: busy ? 'SYNCING' : state?.lastError ? 'FAILED' : 'ONLINE',
        rowsIndexed: index ? await index.count() : 0,
        lastSyncedVersion: state?.lastVersion ?? null,
        lastSyncedAt: state?.syncedAt ?? null,
        lastError: state?.lastError ?? null,
      },
    };
  }

  private audit(
    actor: Actor,
    name: string,
    decision: 'allow' | 'deny',
    params: Record<string, unknown>,
    action = 'vector_index.query',
  ): void {
    this.options.catalog.audit.record(
      accessEvent({ actor, action, securableType: 'vector_index', securable: name, decision, params }),
    );
  }
}
