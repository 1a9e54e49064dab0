export type { ClaimStatus, LossType } from './adjuster-notes.js';
export { CLAIM_STATUSES, LOSS_TYPES } from './adjuster-notes.js';
export type { DemoColumn, DemoTable } from './demo-tables.js';
export {
  DEMO_GROUPS,
  DEMO_REGIONS,
  DEMO_TABLES,
  DEMO_USERS,
  demoMask,
  demoRowFilter,
} from './demo-tables.js';
export type {
  ClaimRow,
  CustomerRow,
  GenerateOptions,
  InsuranceData,
  PolicyRow,
  PolicyType,
} from './insurance-data.js';
export { AS_OF, DEFAULT_SEED, generateInsuranceData, POLICY_TYPES } from './insurance-data.js';
export type { DemoDocument } from './policy-documents.js';
export { DEMO_DOCUMENTS, sidecarOf } from './policy-documents.js';
