// Managed tables as the rest of Lakegate sees them: every call takes the acting principal, checks it
// against the catalog (CREATE TABLE, MODIFY, SELECT, MANAGE) and is audited; the catalog securable and
// its DuckDB storage are created and dropped together.

import type { Actor, Catalog, Securable } from '../../catalog/index.js';
import { isLakegateError, isRecord, validationError } from '../../core/index.js';
import type { DataEngine } from '../engine/index.js';
import { parseUcType, ucTypeName } from './column-types.js';
import { storedColumnsOf, TableStore } from './table-store.js';
import type { StoredColumn, TableAt, TableSpec, TableVersion, WriteRequest, WriteResult } from './types.js';

export interface GovernedTablesOptions {
  catalog: Catalog;
  engine: DataEngine;
  /** How many recent versions time travel can read (default 20). */
  retainVersions?: number;
}

const MAX_PROPERTIES = 256;

/** Who asks whether a table's securable still exists; the admin flag spares any grant lookup. */
const RECLAIMER: Actor = {
  principalId: 'lakegate-tables',
  name: 'lakegate-tables',
  kind: 'service',
  isAdmin: true,
};

function checkProperties(properties: unknown): Record<string, string> | undefined {
  if (properties === undefined) return undefined;
  if (!isRecord(properties)) throw validationError('properties must be an object of strings.');
  const entries = Object.entries(properties);
  if (entries.length > MAX_PROPERTIES)
    throw validationError(`A table has at most ${MAX_PROPERTIES} properties.`);
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw validationError(`Property "${key}" must be a string.`);
  }
  return properties as Record<string, string>;
}

/** A write that committed: the table's securable id, its name then, and the version it made. */
export interface TableCommit {
  tableId: string;
  fullName: string;
  version: number;
}

export class GovernedTables {
  private readonly catalog: Catalog;
  readonly store: TableStore;
  private readonly commitListeners = new Set<(commit: TableCommit) => void>();

  constructor(options: GovernedTablesOptions) {
    this.catalog = options.catalog;
    this.store = new TableStore(options.engine, { retainVersions: options.retainVersions ?? 20 });
  }

  /** At start-up: clears what an interrupted load left in the staging folder and prepares the metadata. */
  open(): Promise<void> {
    return this.store.open();
  }

  /**
   * CREATE TABLE on the schema (through the catalog), then its storage. When the storage step fails the
   * securable is removed again, so a table is never registered without a place for its rows.
   */
  async create(actor: Actor, fullName: string, spec: TableSpec): Promise<Securable> {
    if (!isRecord(spec)) throw validationError('A table spec is an object with columns.');
    const stored = storedColumnsOf(spec.columns);
    const properties = checkProperties(spec.properties);
    const details: Record<string, unknown> = {
      table_type: 'MANAGED',
      // By default the closest UC format: versioned, with history and time travel (the files are DuckDB's).
      data_source_format: spec.dataSourceFormat ?? 'DELTA',
      columns: spec.columns.map((column, position) => ({
        name: column.name,
        // `type` is canonical for the layers that read it; `type_text` stays as the caller spelled it.
        type: stored[position]!.ucType,
        type_text: column.type.trim(),
        type_name: ucTypeName(parseUcType(column.type)),
        position,
        nullable: stored[position]!.nullable,
        ...(column.comment !== undefined ? { comment: column.comment } : {}),
      })),
      ...(properties ? { properties } : {}),
    };
    const table = await this.catalog.securables.createObject(actor, 'table', fullName, {
      comment: spec.comment ?? null,
      details,
    });
    try {
      await this.store.create(table.id, stored, actor.name);
    } catch (error) {
      await this.catalog.securables.delete(actor, 'table', table.fullName).catch(() => undefined);
      throw error;
    }
    return table;
  }

  /**
   * Deletes the securable (MANAGE), then its storage. A crash between the two leaves storage nobody can
   * name, never a table whose rows are gone.
   */
  async drop(actor: Actor, fullName: string): Promise<void> {
    const table = await this.catalog.securables.get(actor, 'table', fullName);
    await this.catalog.securables.delete(actor, 'table', fullName);
    await this.store.drop(table.id);
  }

  async write(actor: Actor, fullName: string, request: WriteRequest): Promise<WriteResult> {
    const table = await this.resolve(actor, fullName, 'MODIFY');
    const source = isRecord(request?.source) ? request.source : undefined;
    const params: Record<string, unknown> = {
      mode: request?.mode,
      source: source?.kind,
      ...(source?.kind === 'file' ? { format: source.format ?? null } : {}),
      ...(source?.kind === 'rows' && Array.isArray(source.rows) ? { rows_in: source.rows.length } : {}),
    };
    try {
      const result = await this.store.write(table.id, table.fullName, actor.name, request);
      this.audit(actor, table, {
        ...params,
        version: result.version,
        rows_added: result.rowsAdded,
        rows_removed: result.rowsRemoved,
        rows_updated: result.rowsUpdated,
        rows_total: result.rowsTotal,
      });
      this.notifyCommitted({ tableId: table.id, fullName: table.fullName, version: result.version });
      return result;
    } catch (error) {
      this.audit(actor, table, { ...params, failed: isLakegateError(error) ? error.code : 'INTERNAL' });
      throw error;
    }
  }

  /**
   * Calls `listener` after every committed write (e.g. to sync the vector indexes built on the table).
   * It runs synchronously after the commit and must not throw or wait: start async work and return.
   * Returns the function that removes it.
   */
  onCommitted(listener: (commit: TableCommit) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  private notifyCommitted(commit: TableCommit): void {
    for (const listener of this.commitListeners) {
      try {
        listener(commit);
      } catch {
        // The write has committed: a listener's failure must not turn it into an error the client retries.
      }
    }
  }

  /**
   * Keys (as text) of rows written or displaced after version `since`, for incremental consumers; the
   * caller has authorised. `undefined` when history no longer reaches back that far.
   */
  changesSince(table: Securable, keyColumn: string, since: number) {
    return this.store.changesSince(table.id, table.fullName, keyColumn, since);
  }

  /** Resolves a table the actor may write to (MODIFY), e.g. before accepting a large upload for it. */
  checkWritable(actor: Actor, fullName: string): Promise<Securable> {
    return this.resolve(actor, fullName, 'MODIFY');
  }

  async history(actor: Actor, fullName: string): Promise<TableVersion[]> {
    const table = await this.resolve(actor, fullName, 'SELECT');
    return this.store.history(table.id, table.fullName);
  }

  /**
   * For the SQL layer: FROM-able SQL for the table's declared columns, current (a plain scan of the
   * table) or as of a version or time. The caller has already authorised SELECT.
   */
  relationFor(table: Securable, at?: TableAt): Promise<string> {
    return this.store.relation(table.id, table.fullName, at);
  }

  /** The declared columns as stored, with their UC and DuckDB types; the caller has authorised. */
  storedColumns(table: Securable): Promise<StoredColumn[]> {
    return this.store.columns(table.id, table.fullName);
  }

  /** Whether the table has managed storage (a table registered with metadata only has none). */
  hasStorage(table: Securable): Promise<boolean> {
    return this.store.exists(table.id);
  }

  /**
   * Drops the storage of tables whose securable is gone: a schema or catalog deleted with `force` takes
   * its tables' securables along without passing through here. Not run on its own at start-up: a data
   * folder opened against another control database would lose every table. Returns the ids dropped.
   */
  async reclaimOrphans(): Promise<string[]> {
    const dropped: string[] = [];
    for (const id of await this.store.tableIds()) {
      // The authorizer answers 'not-found' for an id no securable has, before any privilege is checked.
      const decision = await this.catalog.authorizer.authorize(RECLAIMER, 'BROWSE', id);
      if (decision.allowed || decision.reason !== 'not-found') continue;
      await this.store.drop(id);
      dropped.push(id);
    }
    return dropped;
  }

  private async resolve(actor: Actor, fullName: string, privilege: 'SELECT' | 'MODIFY'): Promise<Securable> {
    const table = await this.catalog.securables.get(actor, 'table', fullName);
    await this.catalog.authorizer.require(actor, privilege, table);
    return table;
  }

  private audit(actor: Actor, table: Securable, params: Record<string, unknown>): void {
    this.catalog.audit.record({
      principalId: actor.principalId,
      action: 'table.write',
      securableType: 'table',
      securableName: table.fullName,
      params,
      decision: 'allow',
      ...(actor.requestId ? { requestId: actor.requestId } : {}),
    });
  }
}
