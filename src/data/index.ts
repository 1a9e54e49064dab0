// Governed data: DuckDB-backed tables and volumes, and SQL rewritten for the caller's grants, row
// filters and column masks.

export type { DataEngineOptions, LeaseOptions } from './engine/index.js';
export { DataEngine } from './engine/index.js';
export type { GovernedData, GovernedDataOptions } from './open-data.js';
export { openGovernedData } from './open-data.js';
