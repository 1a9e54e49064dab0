// Where each vector index stands, kept in the governed DuckDB beside the tables it follows
// (`lakegate.vector_index_state`): the table version the index reflects, the last sync error, the vector
// dimension once known. The table is created on first use, so a process that never touches an index never
// opens DuckDB. One process owns the data folder: rows are cached in memory after the first read.

import type { DataEngine } from '../../data/index.js';

export interface IndexStateRow {
  indexId: string;
  /** The index's full name when it was created or last synced (for lookups by engine index name). */
  fullName: string;
  sourceTableId: string | null;
  /** The source table version the index reflects; null before the first successful sync. */
  lastVersion: number | null;
  lastError: string | null;
  /** ISO time of the last successful sync. */
  syncedAt: string | null;
  dimension: number | null;
}

export class IndexStates {
  private loaded: Promise<Map<string, IndexStateRow>> | undefined;

  constructor(private readonly engine: DataEngine) {}

  private load(): Promise<Map<string, IndexStateRow>> {
    this.loaded ??= this.engine.withConnection(async (c) => {
      await c.run('CREATE SCHEMA IF NOT EXISTS lakegate');
      await c.run(`CREATE TABLE IF NOT EXISTS lakegate.vector_index_state (
        index_id VARCHAR PRIMARY KEY, full_name VARCHAR NOT NULL, source_table_id VARCHAR,
        last_version BIGINT, last_error VARCHAR, synced_at VARCHAR, dimension INTEGER)`);
      const rows = (await c.runAndReadAll('SELECT * FROM lakegate.vector_index_state')).getRowObjectsJson();
      return new Map(
        rows.map((row) => {
          const state: IndexStateRow = {
            indexId: String(row.index_id),
            fullName: String(row.full_name),
            sourceTableId: row.source_table_id === null ? null : String(row.source_table_id),
            lastVersion: row.last_version === null ? null : Number(row.last_version),
            lastError: row.last_error === null ? null : String(row.last_error),
            syncedAt: row.synced_at === null ? null : String(row.synced_at),
            dimension: row.dimension === null ? null : Number(row.dimension),
          };
          return [state.indexId, state];
        }),
      );
    });
    this.loaded.catch(() => {
      this.loaded = undefined;
    });
    return this.loaded;
  }

  async get(indexId: string): Promise<IndexStateRow | undefined> {
    return (await this.load()).get(indexId);
  }

  async all(): Promise<IndexStateRow[]> {
    return [...(await this.load()).values()];
  }

  async put(state: IndexStateRow): Promise<void> {
    const states = await this.load();
    await this.engine.withConnection((c) =>
      c.run(`INSERT OR REPLACE INTO lakegate.vector_index_state VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        state.indexId,
        state.fullName,
        state.sourceTableId,
        state.lastVersion,
        state.lastError,
        state.syncedAt,
        state.dimension,
      ]),
    );
    states.set(state.indexId, { ...state });
  }

  async update(indexId: string, change: Partial<Omit<IndexStateRow, 'indexId'>>): Promise<IndexStateRow> {
    const current = await this.get(indexId);
    if (!current) throw new Error(`No state for vector index ${indexId}.`);
    const next = { ...current, ...change };
    await this.put(next);
    return next;
  }

  async remove(indexId: string): Promise<void> {
    const states = await this.load();
    await this.engine.withConnection((c) =>
      c.run('DELETE FROM lakegate.vector_index_state WHERE index_id = $1', [indexId]),
    );
    states.delete(indexId);
  }
}
