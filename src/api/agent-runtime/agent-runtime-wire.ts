// Bedrock Agent Runtime's Retrieve and RetrieveAndGenerate bodies, validated at the edge, and our
// results in its response shapes. What Lakegate does not do (reranking, implicit filters, image queries,
// guardrails given per request, pagination, external sources) is refused by name rather than ignored:
// a caller relying on it would otherwise get silently different results.

import { z } from 'zod';
import { validationError } from '../../core/index.js';
import type {
  Citation,
  GeneratedAnswer,
  RetrieveAndGenerateRequest,
  RetrievedChunk,
  RetrieveRequest,
} from '../../retrieval/index.js';

/** The reranking model of a knowledge-base search or a Rerank call. */
const rerankModelConfiguration = z
  .object({
    // A Lakegate model id: a serving endpoint or provider/model (e.g. local/rerank).
    modelArn: z.string().min(1).max(2048),
    additionalModelRequestFields: z.unknown().optional(),
  })
  .strict();

const vectorSearch = z
  .object({
    numberOfResults: z.number().int().min(1).max(100).optional(),
    overrideSearchType: z.enum(['HYBRID', 'SEMANTIC']).optional(),
    filter: z.record(z.string(), z.unknown()).optional(),
    rerankingConfiguration: z
      .object({
        type: z.literal('BEDROCK_RERANKING_MODEL'),
        bedrockRerankingConfiguration: z
          .object({
            modelConfiguration: rerankModelConfiguration,
            numberOfRerankedResults: z.number().int().min(1).max(100).optional(),
            metadataConfiguration: z.unknown().optional(),
          })
          .strict(),
      })
      .strict()
      .optional(),
    implicitFilterConfiguration: z.unknown().optional(),
  })
  .strict();

const retrievalConfiguration = z.object({ vectorSearchConfiguration: vectorSearch.optional() }).strict();

export const retrieveBody = z
  .object({
    retrievalQuery: z
      .object({ text: z.string().min(1).max(20_000), type: z.literal('TEXT').optional() })
      .strict(),
    retrievalConfiguration: retrievalConfiguration.optional(),
    guardrailConfiguration: z.unknown().optional(),
    nextToken: z.string().optional(),
    userContext: z.unknown().optional(),
  })
  .strict();

const textInference = z
  .object({
    temperature: z.number().min(0).max(1).optional(),
    topP: z.number().min(0).max(1).optional(),
    maxTokens: z.number().int().min(1).optional(),
    stopSequences: z.array(z.string()).max(4).optional(),
  })
  .strict();

export const retrieveAndGenerateBody = z
  .object({
    sessionId: z.string().min(2).max(100).optional(),
    input: z.object({ text: z.string().min(1).max(20_000) }).strict(),
    retrieveAndGenerateConfiguration: z
      .object({
        type: z.enum(['KNOWLEDGE_BASE', 'EXTERNAL_SOURCES']),
        knowledgeBaseConfiguration: z
          .object({
            knowledgeBaseId: z.string().min(1).max(1024),
            modelArn: z.string().min(1).max(2048),
            retrievalConfiguration: retrievalConfiguration.optional(),
            generationConfiguration: z
              .object({
                promptTemplate: z
                  .object({ textPromptTemplate: z.string().min(1).max(100_000).optional() })
                  .strict()
                  .optional(),
                inferenceConfig: z
                  .object({ textInferenceConfig: textInference.optional() })
                  .strict()
                  .optional(),
                guardrailConfiguration: z.unknown().optional(),
                additionalModelRequestFields: z.unknown().optional(),
                performanceConfig: z.unknown().optional(),
              })
              .strict()
              .optional(),
            orchestrationConfiguration: z.unknown().optional(),
          })
          .strict()
          .optional(),
        externalSourcesConfiguration: z.unknown().optional(),
      })
      .strict(),
    sessionConfiguration: z.unknown().optional(),
    userContext: z.unknown().optional(),
  })
  .strict();

type VectorSearch = z.infer<typeof vectorSearch>;

function unsupported(field: string, why: string): never {
  throw validationError(`${field} is not supported by Lakegate: ${why}`, { field });
}

/** The reranking model's id; extra model fields (at `at`) are refused by name. */
function rerankModelIdOf(config: z.infer<typeof rerankModelConfiguration>, at: string): string {
  if (config.additionalModelRequestFields !== undefined)
    unsupported(
      `${at}.modelConfiguration.additionalModelRequestFields`,
      'reranking models take no extra fields.',
    );
  return config.modelArn;
}

function retrievalOf(text: string, search: VectorSearch | undefined, at: string): RetrieveRequest {
  const reranking = search?.rerankingConfiguration?.bedrockRerankingConfiguration;
  const rerankAt = `${at}.rerankingConfiguration.bedrockRerankingConfiguration`;
  if (reranking?.metadataConfiguration !== undefined)
    unsupported(`${rerankAt}.metadataConfiguration`, 'the reranker reads the chunk text only.');
  const rerankModelId = reranking ? rerankModelIdOf(reranking.modelConfiguration, rerankAt) : undefined;
  if (search?.implicitFilterConfiguration !== undefined) {
    unsupported(`${at}.implicitFilterConfiguration`, 'give the filter explicitly in `filter`.');
  }
  return {
    text,
    ...(search?.numberOfResults !== undefined ? { numberOfResults: search.numberOfResults } : {}),
    ...(search?.overrideSearchType ? { searchType: search.overrideSearchType } : {}),
    ...(search?.filter !== undefined ? { filter: search.filter } : {}),
    ...(reranking && rerankModelId
      ? {
          reranking: {
            modelId: rerankModelId,
            ...(reranking.numberOfRerankedResults !== undefined
              ? { numberOfRerankedResults: reranking.numberOfRerankedResults }
              : {}),
          },
        }
      : {}),
  };
}

export function retrieveRequestOf(body: z.infer<typeof retrieveBody>): RetrieveRequest {
  if (body.nextToken !== undefined)
    unsupported('nextToken', 'results come in one page (numberOfResults up to 100).');
  if (body.guardrailConfiguration !== undefined) {
    unsupported(
      'guardrailConfiguration',
      "attach a guardrail to the embedding model's serving endpoint instead.",
    );
  }
  if (body.userContext !== undefined) {
    unsupported(
      'userContext',
      'the caller is the authenticated principal; per-document access uses its groups.',
    );
  }
  return retrievalOf(
    body.retrievalQuery.text,
    body.retrievalConfiguration?.vectorSearchConfiguration,
    'retrievalConfiguration.vectorSearchConfiguration',
  );
}

export function retrieveAndGenerateRequestOf(body: z.infer<typeof retrieveAndGenerateBody>): {
  knowledgeBaseId: string;
  request: RetrieveAndGenerateRequest;
} {
  const config = body.retrieveAndGenerateConfiguration;
  if (config.type !== 'KNOWLEDGE_BASE' || !config.knowledgeBaseConfiguration) {
    unsupported('retrieveAndGenerateConfiguration.type EXTERNAL_SOURCES', 'only KNOWLEDGE_BASE is.');
  }
  if (body.sessionConfiguration !== undefined) unsupported('sessionConfiguration', 'sessions are stateless.');
  if (body.userContext !== undefined) {
    unsupported(
      'userContext',
      'the caller is the authenticated principal; per-document access uses its groups.',
    );
  }
  const kb = config.knowledgeBaseConfiguration;
  const at = 'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration';
  if (kb.orchestrationConfiguration !== undefined)
    unsupported(`${at}.orchestrationConfiguration`, 'queries are used as given.');
  const generation = kb.generationConfiguration;
  if (generation?.guardrailConfiguration !== undefined) {
    unsupported(
      `${at}.generationConfiguration.guardrailConfiguration`,
      "attach a guardrail to the model's serving endpoint instead.",
    );
  }
  if (generation?.additionalModelRequestFields !== undefined || generation?.performanceConfig !== undefined) {
    unsupported(
      `${at}.generationConfiguration.additionalModelRequestFields/performanceConfig`,
      'not passed through.',
    );
  }
  const inference = generation?.inferenceConfig?.textInferenceConfig;
  const request: RetrieveAndGenerateRequest = {
    ...retrievalOf(
      body.input.text,
      kb.retrievalConfiguration?.vectorSearchConfiguration,
      `${at}.retrievalConfiguration.vectorSearchConfiguration`,
    ),
    modelId: kb.modelArn,
    ...(generation?.promptTemplate?.textPromptTemplate !== undefined
      ? { promptTemplate: generation.promptTemplate.textPromptTemplate }
      : {}),
    ...(inference ? { inferenceConfig: { ...inference } } : {}),
    ...(body.sessionId !== undefined ? { sessionId: body.sessionId } : {}),
  };
  return { knowledgeBaseId: kb.knowledgeBaseId, request };
}

/** A volume file is no S3 object: its location is Bedrock's CUSTOM type, with the volume path as the id. */
function referenceOf(chunk: RetrievedChunk) {
  return {
    content: { type: 'TEXT', text: chunk.text },
    location: { type: 'CUSTOM', customDocumentLocation: { id: chunk.documentPath } },
    metadata: chunk.metadata,
  };
}

export function retrieveResponseOf(chunks: readonly RetrievedChunk[]) {
  return {
    retrievalResults: chunks.map((chunk) => ({
      ...referenceOf(chunk),
      score: chunk.score,
      documentId: chunk.documentPath,
    })),
  };
}

function citationOf(citation: Citation) {
  return {
    generatedResponsePart: {
      textResponsePart: { text: citation.citedText, span: { start: citation.start, end: citation.end } },
    },
    retrievedReferences: citation.references.map(referenceOf),
  };
}

export function retrieveAndGenerateResponseOf(answer: GeneratedAnswer) {
  return {
    sessionId: answer.sessionId,
    output: { text: answer.text },
    citations: answer.citations.map(citationOf),
    ...(answer.guardrailIntervened ? { guardrailAction: 'INTERVENED' } : {}),
  };
}

// ---- Rerank (POST /rerank): documents given inline, ordered by a reranking model -----------------------

const rerankDocument = z
  .object({
    type: z.enum(['TEXT', 'JSON']),
    textDocument: z
      .object({ text: z.string().max(100_000).optional() })
      .strict()
      .optional(),
    jsonDocument: z.unknown().optional(),
  })
  .strict();

export const rerankBody = z
  .object({
    queries: z
      .array(
        z
          .object({
            type: z.literal('TEXT'),
            textQuery: z.object({ text: z.string().min(1).max(32_000) }).strict(),
          })
          .strict(),
      )
      .length(1),
    sources: z
      .array(z.object({ type: z.literal('INLINE'), inlineDocumentSource: rerankDocument }).strict())
      .min(1)
      .max(1000),
    rerankingConfiguration: z
      .object({
        type: z.literal('BEDROCK_RERANKING_MODEL'),
        bedrockRerankingConfiguration: z
          .object({
            numberOfResults: z.number().int().min(1).max(1000).optional(),
            modelConfiguration: rerankModelConfiguration,
          })
          .strict(),
      })
      .strict(),
    nextToken: z.string().optional(),
  })
  .strict();

export interface RerankCall {
  modelId: string;
  query: string;
  documents: string[];
  topN?: number;
}

/** The text a reranking model reads for a document: its text, or its JSON written out. */
function rerankTextOf(document: z.infer<typeof rerankDocument>, at: string): string {
  if (document.type === 'TEXT') {
    if (typeof document.textDocument?.text !== 'string')
      throw validationError(`${at}.textDocument.text is required for a TEXT document.`);
    return document.textDocument.text;
  }
  if (document.jsonDocument === undefined)
    throw validationError(`${at}.jsonDocument is required for a JSON document.`);
  return JSON.stringify(document.jsonDocument);
}

export function rerankCallOf(body: z.infer<typeof rerankBody>): RerankCall {
  if (body.nextToken !== undefined) unsupported('nextToken', 'results come in one page.');
  const config = body.rerankingConfiguration.bedrockRerankingConfiguration;
  const modelId = rerankModelIdOf(
    config.modelConfiguration,
    'rerankingConfiguration.bedrockRerankingConfiguration',
  );
  return {
    modelId,
    query: body.queries[0]!.textQuery.text,
    documents: body.sources.map((source, i) =>
      rerankTextOf(source.inlineDocumentSource, `sources[${i}].inlineDocumentSource`),
    ),
    ...(config.numberOfResults !== undefined ? { topN: config.numberOfResults } : {}),
  };
}

export function rerankResponseOf(
  body: z.infer<typeof rerankBody>,
  results: ReadonlyArray<{ index: number; relevanceScore: number }>,
): unknown {
  return {
    results: results.map(({ index, relevanceScore }) => ({
      index,
      relevanceScore,
      document: body.sources[index]?.inlineDocumentSource,
    })),
  };
}
