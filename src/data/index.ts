// Governed data: DuckDB-backed tables and volumes, and SQL rewritten for the caller's grants, row
// filters and column masks.

export type {
  ClaimRow,
  CustomerRow,
  DemoDocument,
  DemoTable,
  InsuranceData,
  PolicyRow,
} from './demo/index.js';
export {
  DEMO_DOCUMENTS,
  DEMO_GROUPS,
  DEMO_REGIONS,
  DEMO_TABLES,
  DEMO_USERS,
  demoMask,
  demoRowFilter,
  generateInsuranceData,
  sidecarOf,
} from './demo/index.js';
export type { DataEngineOptions, LeaseOptions } from './engine/index.js';
export { DataEngine, sqlIdentifier } from './engine/index.js';
export type { GovernedData, GovernedDataOptions } from './open-data.js';
export { openGovernedData } from './open-data.js';
export type { GovernContext, GovernedQuery, RelationSource, TimeTravel } from './sql/index.js';
export { runGoverned, SqlGovernor, statementHash } from './sql/index.js';
export type {
  ResultChunk,
  ResultColumn,
  ResultManifest,
  StatementParameter,
  StatementSnapshot,
  StatementState,
  SubmitStatement,
} from './statements/index.js';
export { StatementService } from './statements/index.js';
export type {
  ColumnSpec,
  StoredColumn,
  TableAt,
  TableCommit,
  TableSpec,
  TableVersion,
  WriteRequest,
  WriteResult,
  WriteSource,
} from './tables/index.js';
export { duckdbToUc, duckdbTypeOf, GovernedTables, parseUcType } from './tables/index.js';
export type { ListPage, OpenedFile, VolumeEntry, WrittenFile } from './volumes/index.js';
export { parseVolumePath, VolumeFiles } from './volumes/index.js';
