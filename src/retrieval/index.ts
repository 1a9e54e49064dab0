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
export type { ConverseInput, ModelCallOptions, RetrievalModels } from './model-calls.js';
