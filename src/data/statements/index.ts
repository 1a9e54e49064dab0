export type { BoundParameters, StatementParameter } from './bind-parameters.js';
export { bindParameters } from './bind-parameters.js';
export type { ChunkLimits } from './read-result.js';
export type { StatementServiceOptions } from './statement-service.js';
export { StatementService } from './statement-service.js';
export type {
  ChunkInfo,
  ResultChunk,
  ResultColumn,
  ResultManifest,
  StatementError,
  StatementSnapshot,
  StatementState,
  SubmitStatement,
} from './statement-types.js';
