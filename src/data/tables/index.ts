export type { UcPrimitive, UcType } from './column-types.js';
export { duckdbToUc, duckdbTypeOf, parseUcType, ucTypeName, ucTypeText } from './column-types.js';
export type { GovernedTablesOptions, TableCommit } from './governed-tables.js';
export { GovernedTables } from './governed-tables.js';
export type { TableStoreOptions } from './table-store.js';
export { storedColumnsOf, TableStore } from './table-store.js';
export type {
  ColumnSpec,
  CsvOptions,
  FileFormat,
  StoredColumn,
  TableAt,
  TableOperation,
  TableSpec,
  TableVersion,
  WriteMode,
  WriteRequest,
  WriteResult,
  WriteSource,
} from './types.js';
