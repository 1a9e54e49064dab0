// Document parsing and chunking for knowledge bases: bytes of a PDF, DOCX, HTML, Markdown, text or CSV file
// become plain text with headings and pages, then chunks by one of Bedrock's chunking strategies.
export type { Chunk, ChunkSpan, EmbedTexts } from './chunk.js';
export type { ChunkDocumentOptions } from './chunk-document.js';
export { chunkDocument } from './chunk-document.js';
export type { ChunkingConfiguration } from './chunking-configuration.js';
export { DEFAULT_CHUNKING, MAX_CHUNK_TOKENS, parseChunkingConfiguration } from './chunking-configuration.js';
export { countTokens } from './count-tokens.js';
export type { DocumentFormat } from './document-format.js';
export { documentFormatOf } from './document-format.js';
export type { DocumentParserPoolOptions } from './document-parser-pool.js';
export { DocumentParserPool } from './document-parser-pool.js';
export type { ParseDocumentInput } from './parse-document.js';
export { closeSharedDocumentParserPool, parseDocument, sharedDocumentParserPool } from './parse-document.js';
export type { DocumentPage, DocumentSection, ParsedDocument } from './parsed-document.js';
export type { SidecarValue } from './sidecar-metadata.js';
export { MAX_SIDECAR_BYTES, parseSidecarMetadata } from './sidecar-metadata.js';
