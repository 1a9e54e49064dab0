export type {
  AuditDecision,
  AuditEvent,
  AuditQuery,
  AuditRecord,
  AuditStats,
  AuditVerifyResult,
} from './audit/index.js';
export { AuditLog } from './audit/index.js';
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
export type { Actor, CatalogPrincipal, PrincipalKind } from './model.js';
