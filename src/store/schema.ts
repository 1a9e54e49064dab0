// The control-plane schema as Kysely sees it: one set of table types for both engines. Portable column
// types only: text ids and ISO-8601 timestamps (which sort as text), integers for flags, JSON as text.

export interface PrincipalsTable {
  id: string;
  name: string;
  kind: 'user' | 'service' | 'group';
  display_name: string | null;
  /** 1 for the metastore admin created on first start. */
  is_admin: number;
  created_at: string;
  created_by: string | null;
}

export interface GroupMembersTable {
  group_id: string;
  member_id: string;
  created_at: string;
  created_by: string | null;
}

export interface ApiKeysTable {
  key_id: string;
  principal_id: string;
  secret_hash: string;
  /** The secret sealed under the master key, for SigV4 verification; never the secret in plain text. */
  sealed_secret: string | null;
  description: string | null;
  created_at: string;
  created_by: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface SecurablesTable {
  id: string;
  type: string;
  /** Dotted name (`catalog.schema.object`), or the bare name of a top-level securable. */
  full_name: string;
  name: string;
  parent_id: string | null;
  owner_id: string;
  comment: string | null;
  /** Type-specific details (columns of a table, storage of a volume, ...), as JSON. */
  details: string;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

export interface GrantsTable {
  securable_id: string;
  principal_id: string;
  privilege: string;
  granted_by: string;
  granted_at: string;
}

export interface RowFiltersTable {
  table_id: string;
  expression: string;
  created_at: string;
  created_by: string;
}

export interface ColumnMasksTable {
  table_id: string;
  column_name: string;
  expression: string;
  created_at: string;
  created_by: string;
}

export interface TagsTable {
  securable_id: string;
  /** Empty for a tag on the securable itself. */
  column_name: string;
  tag_key: string;
  tag_value: string;
  created_at: string;
  created_by: string;
}

export interface ModelVersionsTable {
  model_id: string;
  version: number;
  source: string | null;
  status: string;
  comment: string | null;
  details: string;
  created_at: string;
  created_by: string;
}

export interface ModelAliasesTable {
  model_id: string;
  alias: string;
  version: number;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  principal_id: string | null;
  action: string;
  securable_type: string | null;
  securable_name: string | null;
  /** JSON, secrets redacted before it gets here. */
  params: string;
  decision: 'allow' | 'deny' | 'none';
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

/** One row: the end of the hash chain, locked while a batch is appended. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface LineageEdgesTable {
  id: string;
  source_type: string;
  source_name: string;
  source_column: string;
  target_type: string;
  target_name: string;
  target_column: string;
  kind: string;
  at: string;
  principal_id: string | null;
  request_id: string | null;
}

/** Counters shared by replicas, e.g. the catalog generation that invalidates authorisation caches. */
export interface StateTable {
  key: string;
  value: number;
}

export interface GuardrailsTable {
  securable_id: string;
  /** Bedrock's guardrailId: 12 lower-case letters and digits. */
  guardrail_id: string;
  name: string;
  next_version: number;
  created_at: string;
  created_by: string;
}

/** Version 0 is the DRAFT; numbered versions are snapshots of it. `policy` is JSON. */
export interface GuardrailVersionsTable {
  securable_id: string;
  version: number;
  name: string;
  description: string | null;
  policy: string;
  status: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface Database {
  principals: PrincipalsTable;
  group_members: GroupMembersTable;
  api_keys: ApiKeysTable;
  securables: SecurablesTable;
  grants: GrantsTable;
  row_filters: RowFiltersTable;
  column_masks: ColumnMasksTable;
  tags: TagsTable;
  model_versions: ModelVersionsTable;
  model_aliases: ModelAliasesTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  lineage_edges: LineageEdgesTable;
  control_state: StateTable;
  guardrails: GuardrailsTable;
  guardrail_versions: GuardrailVersionsTable;
}
