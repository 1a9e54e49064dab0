// A knowledge base's configuration, as it is asked for and as it is stored in the securable's details:
// one governed volume folder as its data source, the embedding model, and Bedrock's chunking
// configuration. Stored details are read back leniently (an older or hand-edited securable still opens),
// what callers send strictly.

import { z } from 'zod';
import { isRecord, validationError } from '../../core/index.js';
import { parseVolumePath } from '../../data/index.js';
import {
  type ChunkingConfiguration,
  DEFAULT_CHUNKING,
  parseChunkingConfiguration,
} from '../documents/index.js';

export const DEFAULT_EMBEDDING_MODEL = 'local/embed';

export interface KnowledgeBaseSpec {
  /** The folder ingested, `/Volumes/<catalog>/<schema>/<volume>[/<folder>]`, at any depth. */
  source: string;
  /** A serving endpoint or `provider/model`; default `local/embed`. */
  embeddingModel?: string;
  /** Bedrock's ChunkingConfiguration; default FIXED_SIZE of about 300 tokens. */
  chunking?: unknown;
  comment?: string;
}

/** What a knowledge base is, resolved from its securable. */
export interface KnowledgeBaseConfig {
  /** The volume's full name, `catalog.schema.volume`. */
  volume: string;
  /** The folder ingested (a `/Volumes/...` path, no trailing slash). */
  source: string;
  embeddingModel: string;
  chunking: ChunkingConfiguration;
}

const specSchema = z
  .object({
    source: z.string().min(1),
    embeddingModel: z.string().min(1).max(512).optional(),
    chunking: z.unknown().optional(),
    comment: z.string().max(4096).optional(),
  })
  .strict();

/** Validates what a caller asks for and returns it in stored form. */
export function parseKnowledgeBaseSpec(raw: unknown): {
  config: KnowledgeBaseConfig;
  details: Record<string, unknown>;
  comment?: string;
} {
  const parsed = specSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw validationError(`Invalid knowledge base: ${issue?.path.join('.') || 'body'}: ${issue?.message}`);
  }
  const spec = parsed.data;
  const path = parseVolumePath(spec.source, { allowRoot: true });
  const config: KnowledgeBaseConfig = {
    volume: path.volumeName.toLowerCase(),
    source: path.path,
    embeddingModel: spec.embeddingModel ?? DEFAULT_EMBEDDING_MODEL,
    chunking: spec.chunking === undefined ? DEFAULT_CHUNKING : parseChunkingConfiguration(spec.chunking),
  };
  return {
    config,
    details: detailsOf(config),
    ...(spec.comment !== undefined ? { comment: spec.comment } : {}),
  };
}

export function detailsOf(config: KnowledgeBaseConfig): Record<string, unknown> {
  return {
    data_source: { type: 'VOLUME', volume: config.volume, path: config.source },
    embedding_model: config.embeddingModel,
    chunking_configuration: config.chunking,
  };
}

/** The configuration stored in a knowledge base securable's details. */
export function configOf(details: Record<string, unknown>, fullName: string): KnowledgeBaseConfig {
  const source = isRecord(details.data_source) ? details.data_source : {};
  if (typeof source.path !== 'string' || typeof source.volume !== 'string') {
    throw validationError(`Knowledge base '${fullName}' has no volume data source in its details.`);
  }
  return {
    volume: source.volume,
    source: source.path,
    embeddingModel:
      typeof details.embedding_model === 'string' ? details.embedding_model : DEFAULT_EMBEDDING_MODEL,
    chunking:
      details.chunking_configuration === undefined
        ? DEFAULT_CHUNKING
        : parseChunkingConfiguration(details.chunking_configuration),
  };
}
