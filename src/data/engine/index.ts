export type { DataEngineOptions, LeaseOptions } from './data-engine.js';
export { DataEngine, sqlIdentifier, sqlString } from './data-engine.js';
