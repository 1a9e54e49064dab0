// The metadata each chunk carries in the vector index: the sidecar's attributes (Bedrock's
// `<file>.metadata.json`), what the file itself says (its volume path, title, page, modification time),
// and Lakegate's own keys. Keys starting `x-lakegate-` are internal: they are written last (a sidecar
// cannot set them) and stripped from everything returned to callers.

import type { Metadata, MetadataValue } from '../engine/vector-engine.js';
import { ALLOWED_GROUPS_KEY, allowedGroupsOf, RESTRICTED_KEY } from './document-access.js';

export const SOURCE_URI_KEY = 'x-amz-bedrock-kb-source-uri';
export const CHUNK_ID_KEY = 'x-amz-bedrock-kb-chunk-id';
export const PAGE_KEY = 'x-amz-bedrock-kb-document-page-number';
export const DATA_SOURCE_KEY = 'x-amz-bedrock-kb-data-source-id';
const INTERNAL_PREFIX = 'x-lakegate-';
/** HIERARCHICAL chunking: the parent chunk returned for a child (text and position in the document). */
export const PARENT_TEXT_KEY = 'x-lakegate-parent-text';
export const PARENT_INDEX_KEY = 'x-lakegate-parent-index';
export const FILE_ID_KEY = 'x-lakegate-file-id';

export interface ChunkFacts {
  path: string;
  fileId: string;
  chunkId: string;
  volume: string;
  title: string | null;
  modifiedAt: Date;
  page?: number;
  section?: string;
  parent?: { index: number; text: string };
}

/** Sidecar attributes, minus the keys Lakegate and Bedrock set themselves. */
function sidecarAttributes(sidecar: Record<string, MetadataValue>): Record<string, MetadataValue> {
  const out: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(sidecar)) {
    if (key.startsWith(INTERNAL_PREFIX) || key.startsWith('x-amz-bedrock-kb-')) continue;
    out[key] = value;
  }
  return out;
}

export function chunkMetadata(facts: ChunkFacts, sidecar: Record<string, MetadataValue>): Metadata {
  const metadata: Record<string, MetadataValue> = {
    ...(facts.title ? { title: facts.title } : {}),
    ...(facts.section ? { section: facts.section } : {}),
    // Seconds since the epoch: a number, so `greaterThan` filters can select recent documents.
    last_modified: Math.floor(facts.modifiedAt.getTime() / 1000),
    ...sidecarAttributes(sidecar),
    [SOURCE_URI_KEY]: facts.path,
    [CHUNK_ID_KEY]: facts.chunkId,
    [DATA_SOURCE_KEY]: facts.volume,
    ...(facts.page !== undefined ? { [PAGE_KEY]: facts.page } : {}),
  };
  const groups = allowedGroupsOf(metadata[ALLOWED_GROUPS_KEY]);
  if (groups) metadata[ALLOWED_GROUPS_KEY] = groups;
  metadata[RESTRICTED_KEY] = groups !== undefined;
  metadata[FILE_ID_KEY] = facts.fileId;
  if (facts.parent) {
    metadata[PARENT_INDEX_KEY] = facts.parent.index;
    metadata[PARENT_TEXT_KEY] = facts.parent.text;
  }
  return metadata;
}

/** What callers see of a chunk's metadata. */
export function visibleMetadata(metadata: Metadata): Record<string, MetadataValue> {
  const out: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (!key.startsWith(INTERNAL_PREFIX)) out[key] = value;
  }
  return out;
}
