export { MIGRATIONS, migrateToLatest } from './migrate.js';
export type { Store, StoreEngine, StoreOptions } from './open-store.js';
export { openStore } from './open-store.js';
export type {
  ApiKeysTable,
  AuditHeadTable,
  AuditLogTable,
  ColumnMasksTable,
  Database,
  GrantsTable,
  GroupMembersTable,
  GuardrailsTable,
  GuardrailVersionsTable,
  LineageEdgesTable,
  ModelAliasesTable,
  ModelVersionsTable,
  PrincipalsTable,
  RowFiltersTable,
  SecurablesTable,
  StateTable,
  TagsTable,
} from './schema.js';
