export type { Citation, CitedAnswer } from './cited-answer.js';
export type { IngestionProgress, IngestionStatistics } from './ingestion-job.js';
export type { IngestionJob, IngestionJobStatus } from './ingestion-jobs.js';
export type {
  GeneratedAnswer,
  KnowledgeBaseInfo,
  KnowledgeBasesOptions,
  RetrieveAndGenerateRequest,
} from './knowledge-base-service.js';
export { KnowledgeBases } from './knowledge-base-service.js';
export type { KnowledgeBaseConfig, KnowledgeBaseSpec } from './knowledge-base-spec.js';
export { DEFAULT_EMBEDDING_MODEL } from './knowledge-base-spec.js';
export type { RetrieveRequest } from './query-rules.js';
export type { RetrievedChunk, SearchType } from './search-chunks.js';
