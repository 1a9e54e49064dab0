// A vector index as Databricks Vector Search shows it (`VectorIndex`: name, endpoint, key, type, spec,
// status), plus Lakegate's sync status under `sync_status` (an extension: state, version, last error).

import type { IndexStatus, VectorIndexInfo } from '../../retrieval/index.js';

export interface EndpointWire {
  name: string;
  endpoint_type: 'STANDARD';
  endpoint_status: { state: 'ONLINE'; message: string };
  num_indexes: number;
}

/** Databricks' detailed state and readiness for our status. */
function databricksState(status: IndexStatus): { ready: boolean; detailed_state: string } {
  const synced = status.lastSyncedVersion !== null || status.rowsIndexed > 0;
  if (status.state === 'SYNCING') {
    return synced
      ? { ready: true, detailed_state: 'ONLINE_TRIGGERED_UPDATE' }
      : { ready: false, detailed_state: 'PROVISIONING_INITIAL_SNAPSHOT' };
  }
  if (status.state === 'FAILED') {
    return synced
      ? { ready: true, detailed_state: 'ONLINE_PIPELINE_FAILED' }
      : { ready: false, detailed_state: 'OFFLINE_FAILED' };
  }
  return { ready: true, detailed_state: 'ONLINE_NO_PENDING_UPDATE' };
}

function statusMessage(status: IndexStatus): string {
  if (status.state === 'FAILED') return `The last sync failed: ${status.lastError ?? 'unknown error'}`;
  if (status.state === 'SYNCING') return 'A sync is running.';
  return 'The index is online.';
}

export function indexSummaryWire(info: VectorIndexInfo, creator: string | null) {
  const { securable, definition } = info;
  return {
    name: securable.fullName,
    endpoint_name: definition.endpointName,
    primary_key: definition.primaryKey,
    index_type: definition.indexType,
    ...(creator ? { creator } : {}),
  };
}

export function indexWire(info: VectorIndexInfo, creator: string | null) {
  const { securable, status } = info;
  const details = securable.details;
  const deltaSpec = details.delta_sync_index_spec as Record<string, unknown> | undefined;
  let deltaSync: Record<string, unknown> | undefined;
  if (deltaSpec) {
    const { source_table_id: _internal, ...rest } = deltaSpec;
    deltaSync = rest;
  }
  const state = databricksState(status);
  return {
    ...indexSummaryWire(info, creator),
    // Lakegate extension: the engine's name for the index (its securable id); queries accept it too.
    index_id: securable.id,
    ...(deltaSync ? { delta_sync_index_spec: deltaSync } : {}),
    ...(details.direct_access_index_spec
      ? { direct_access_index_spec: details.direct_access_index_spec }
      : {}),
    ...(details.allow_masked_columns === true ? { allow_masked_columns: true } : {}),
    ...(securable.comment ? { comment: securable.comment } : {}),
    status: {
      ready: state.ready,
      detailed_state: state.detailed_state,
      indexed_row_count: status.rowsIndexed,
      message: statusMessage(status),
      index_url: `/api/2.0/vector-search/indexes/${encodeURIComponent(securable.fullName)}`,
    },
    sync_status: {
      state: status.state,
      last_synced_version: status.lastSyncedVersion,
      last_synced_at: status.lastSyncedAt,
      last_error: status.lastError,
    },
  };
}

export function endpointWire(name: string, indexes: number, builtIn: string): EndpointWire {
  return {
    name,
    endpoint_type: 'STANDARD',
    endpoint_status: {
      state: 'ONLINE',
      message:
        name === builtIn
          ? 'The embedded vector engine of this Lakegate server; it serves every index.'
          : `An alias of '${builtIn}': Lakegate serves every index from its one embedded engine.`,
    },
    num_indexes: indexes,
  };
}
