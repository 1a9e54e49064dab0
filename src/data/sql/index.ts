export type { QueryAuditEntry } from './audit-query.js';
export { auditQuery } from './audit-query.js';
export type { ClassifiedStatement } from './classify-statement.js';
export { classifyStatement } from './classify-statement.js';
export type { ColumnSource } from './column-lineage.js';
export type { GovernedWriteResult, TableWriter } from './governed-writes.js';
export { GovernedWrites } from './governed-writes.js';
export type { RelationSource, TimeTravel } from './relation-source.js';
export { runGoverned } from './run-governed.js';
export type {
  GovernContext,
  GovernedQuery,
  GovernedTableUse,
  GuardMode,
  SqlGovernorOptions,
} from './sql-governor.js';
export { SqlGovernor } from './sql-governor.js';
export { statementHash } from './table-names.js';
