// The rules a knowledge-base query is checked against before anything is searched: who may query
// (QUERY on the knowledge base AND READ VOLUME on its source volume) and what a well-formed request is.

import type { Actor, Catalog, Securable } from '../../catalog/index.js';
import { isLakegateError, LakegateError, validationError } from '../../core/index.js';
import type { MetadataFilter } from '../engine/metadata-filter.js';
import { compileMetadataFilter } from '../engine/metadata-filter.js';
import type { SearchType } from './search-chunks.js';

export interface RetrieveRequest {
  text: string;
  /** 1..100, default 5. */
  numberOfResults?: number;
  /** Bedrock's RetrievalFilter. */
  filter?: unknown;
  /** Default HYBRID (vectors and BM25): with offline embedders lexical matching carries much of the recall. */
  searchType?: SearchType;
  /**
   * Bedrock's reranking: the `numberOfResults` chunks found are reordered by model `modelId` (through the
   * model API, as the caller) and the best `numberOfRerankedResults` (default: all) come back.
   */
  reranking?: { modelId: string; numberOfRerankedResults?: number };
}

export interface CheckedRequest {
  text: string;
  numberOfResults: number;
  searchType: SearchType;
  filter?: MetadataFilter;
  reranking?: { modelId: string; numberOfRerankedResults: number };
}

const MAX_QUERY_CHARS = 20_000;

/** VALIDATION_FAILED naming what is wrong, before any model is called. */
export function checkRetrieveRequest(request: RetrieveRequest): CheckedRequest {
  const { text } = request;
  if (typeof text !== 'string' || text.trim() === '') throw validationError('The query text is empty.');
  if (text.length > MAX_QUERY_CHARS) {
    throw validationError(`The query text is longer than ${MAX_QUERY_CHARS} characters.`);
  }
  const numberOfResults = request.numberOfResults ?? 5;
  if (!Number.isInteger(numberOfResults) || numberOfResults < 1 || numberOfResults > 100) {
    throw validationError('numberOfResults must be a whole number from 1 to 100.');
  }
  const searchType = request.searchType ?? 'HYBRID';
  if (searchType !== 'HYBRID' && searchType !== 'SEMANTIC') {
    throw validationError('The search type must be HYBRID or SEMANTIC.');
  }
  const checked: CheckedRequest = { text, numberOfResults, searchType };
  if (request.reranking !== undefined) {
    const { modelId, numberOfRerankedResults = numberOfResults } = request.reranking;
    if (typeof modelId !== 'string' || modelId.trim() === '')
      throw validationError('The reranking model is missing (modelConfiguration.modelArn).');
    if (
      !Number.isInteger(numberOfRerankedResults) ||
      numberOfRerankedResults < 1 ||
      numberOfRerankedResults > 100
    )
      throw validationError('numberOfRerankedResults must be a whole number from 1 to 100.');
    checked.reranking = { modelId, numberOfRerankedResults };
  }
  if (request.filter === undefined) return checked;
  compileMetadataFilter(request.filter);
  return { ...checked, filter: request.filter as MetadataFilter };
}

export async function requireReadVolume(catalog: Catalog, actor: Actor, volumeName: string): Promise<void> {
  const volume = await catalog.securables.get(actor, 'volume', volumeName);
  await catalog.authorizer.require(actor, 'READ VOLUME', volume);
}

/**
 * QUERY on the knowledge base and READ VOLUME on its volume: whoever may not read the files may not read
 * them through search either. A caller who can see the knowledge base but not read its volume is refused
 * without the volume being named (its name is not theirs to learn).
 */
export async function requireQuery(
  catalog: Catalog,
  actor: Actor,
  kb: Securable,
  volumeName: string,
): Promise<void> {
  await catalog.authorizer.require(actor, 'QUERY', kb);
  try {
    await requireReadVolume(catalog, actor, volumeName);
  } catch (error) {
    if (isLakegateError(error) && (error.code === 'NOT_FOUND' || error.code === 'AUTH_PERMISSION_DENIED')) {
      throw new LakegateError(
        'AUTH_PERMISSION_DENIED',
        `Querying knowledge base '${kb.fullName}' needs READ VOLUME on its source volume, which ${actor.name} does not have.`,
      );
    }
    throw error;
  }
}
