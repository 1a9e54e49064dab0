export type {
  Chunk,
  ChunkDocumentOptions,
  ChunkingConfiguration,
  ChunkSpan,
  DocumentFormat,
  DocumentPage,
  DocumentSection,
  EmbedTexts,
  ParseDocumentInput,
  ParsedDocument,
  SidecarValue,
} from './documents/index.js';
export {
  chunkDocument,
  closeSharedDocumentParserPool,
  countTokens,
  DEFAULT_CHUNKING,
  documentFormatOf,
  MAX_CHUNK_TOKENS,
  MAX_SIDECAR_BYTES,
  parseChunkingConfiguration,
  parseDocument,
  parseSidecarMetadata,
} from './documents/index.js';
export type { EmbeddedVectorEngineOptions } from './engine/embedded-vector-engine.js';
export { createEmbeddedVectorEngine, DEFAULT_ANN_THRESHOLD } from './engine/embedded-vector-engine.js';
export type { MetadataFilter } from './engine/metadata-filter.js';
export { compileMetadataFilter } from './engine/metadata-filter.js';
export type { AnnParameters } from './engine/usearch-ann.js';
export type {
  HybridQuery,
  Metadata,
  MetadataValue,
  TextQuery,
  VectorEngine,
  VectorHit,
  VectorIndex,
  VectorIndexSpec,
  VectorMetric,
  VectorQuery,
  VectorRecord,
} from './engine/vector-engine.js';
export type {
  CreateVectorIndex,
  EmbeddingSourceColumn,
  EmbeddingVectorColumn,
  IndexColumn,
  IndexDefinition,
  VectorIndexType,
} from './indexes/index-definition.js';
export { DEFAULT_ENDPOINT } from './indexes/index-definition.js';
export type { IndexQuery, IndexQueryResult, QueryType } from './indexes/query-index.js';
export { MAX_RESULTS } from './indexes/query-index.js';
export type {
  DataChangeResult,
  IndexState,
  IndexStatus,
  VectorIndexes,
  VectorIndexInfo,
} from './indexes/vector-indexes.js';
export type {
  Citation,
  GeneratedAnswer,
  IngestionJob,
  IngestionJobStatus,
  IngestionProgress,
  IngestionStatistics,
  KnowledgeBaseConfig,
  KnowledgeBaseInfo,
  KnowledgeBaseSpec,
  RetrieveAndGenerateRequest,
  RetrievedChunk,
  RetrieveRequest,
  SearchType,
} from './knowledge-bases/index.js';
export { DEFAULT_EMBEDDING_MODEL, KnowledgeBases } from './knowledge-bases/index.js';
export type { ConverseInput, ModelCallOptions, RetrievalModels } from './model-calls.js';
export type { GovernedRetrieval, GovernedRetrievalOptions } from './open-retrieval.js';
export { openRetrieval } from './open-retrieval.js';
