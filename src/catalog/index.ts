export type {
  AuditDecision,
  AuditEvent,
  AuditQuery,
  AuditRecord,
  AuditStats,
  AuditVerifyResult,
} from './audit/index.js';
export { AuditLog, accessEvent } from './audit/index.js';
export type { AllowedDecision, AuthorizerOptions, GroupsOf } from './authorization/index.js';
export { Authorizer, notFoundError, permissionDeniedError } from './authorization/index.js';
export { GenerationClock } from './generation.js';
export type {
  ApiKeyInfo,
  BootstrapOptions,
  BootstrapResult,
  CreatedKey,
  CreateKeyOptions,
  CreatePrincipalInput,
  IdentityChange,
  IdentityChangeListener,
  IdentityServiceOptions,
  ParsedApiKey,
} from './identity/index.js';
export { IdentityService, loadMasterKey } from './identity/index.js';
export type { LineageDirection, LineageEdgeInput, LineageGraph } from './lineage/index.js';
export { LineageStore, renderLineageTree } from './lineage/index.js';
export type {
  Actor,
  CatalogPrincipal,
  Decision,
  PrincipalKind,
  SchemaObjectType,
  Securable,
  SecurableType,
} from './model.js';
export { SCHEMA_OBJECT_TYPES, SECURABLE_TYPES } from './model.js';
export type { Catalog, CatalogOptions } from './open-catalog.js';
export { openCatalog } from './open-catalog.js';
export type { Privilege } from './privileges.js';
export { CREATE_PRIVILEGE, GRANTABLE, normalizePrivilege, PRIVILEGES } from './privileges.js';
export type {
  ChangeEvent,
  ColumnMask,
  ModelVersion,
  PermissionChange,
  PermissionsList,
  PrivilegeAssignment,
  RowFilter,
  SecurableTags,
  TablePolicies,
} from './securables/index.js';
export {
  isSchemaObjectType,
  parseSecurableName,
  SecurableService,
  wirePrivilege,
} from './securables/index.js';
