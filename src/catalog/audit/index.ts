export { type AccessEventInput, accessEvent } from './access-event.js';
export { GENESIS_HASH, hashAuditRecord } from './audit-hash.js';
export type { AuditLogOptions } from './audit-log.js';
export { AuditLog } from './audit-log.js';
export type {
  AuditDecision,
  AuditEvent,
  AuditPage,
  AuditQuery,
  AuditRecord,
  AuditStats,
  AuditVerifyResult,
} from './audit-types.js';
export { isSecretKey, REDACTED, redactParams, scrubString } from './redact-params.js';
