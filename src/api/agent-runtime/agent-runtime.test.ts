// The official BedrockAgentRuntimeClient (HTTP/2, SigV4 with a Lakegate key) against a running Lakegate:
// Retrieve with filters and search types, RetrieveAndGenerate with citations, modeled exceptions; and the
// knowledge-base admin API in the Databricks error shape.

import {
  AccessDeniedException,
  RerankCommand,
  ResourceNotFoundException,
  RetrieveAndGenerateCommand,
  RetrieveCommand,
  ValidationException,
  type VectorSearchBedrockRerankingConfiguration,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestOverHttp, KB, type KbServer, ROOT, startKbServer } from './test-support.js';

let kb: KbServer;

beforeAll(async () => {
  kb = await startKbServer();
}, 120_000);

afterAll(async () => {
  await kb?.close();
});

async function thrown(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('Retrieve', () => {
  it('retrieves by securable id and by full name, with Bedrock-shaped results', async () => {
    const client = kb.agent(kb.tokens.analyst!);
    for (const knowledgeBaseId of [kb.kbId, KB]) {
      const response = await client.send(
        new RetrieveCommand({
          knowledgeBaseId,
          retrievalQuery: { text: 'Who must visit a flooded basement and when?' },
          retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 2 } },
        }),
      );
      expect(response.$metadata.httpStatusCode).toBe(200);
      const results = response.retrievalResults ?? [];
      expect(results).toHaveLength(2);
      const first = results[0]!;
      expect(first.content?.text).toContain('adjuster must visit');
      expect(first.location).toEqual({
        type: 'CUSTOM',
        customDocumentLocation: { id: `${ROOT}/policies/flood.md` },
      });
      expect(first.metadata?.['x-amz-bedrock-kb-source-uri']).toBe(`${ROOT}/policies/flood.md`);
      expect(first.metadata?.title).toBe('Flood claims');
      expect(typeof first.score).toBe('number');
    }
    client.destroy();
  });

  it('reranks the chunks it found through a reranking model (rerankingConfiguration)', async () => {
    const client = kb.agent(kb.tokens.analyst!);
    const search = (reranking: boolean) =>
      client.send(
        new RetrieveCommand({
          knowledgeBaseId: KB,
          retrievalQuery: { text: 'Who must visit a flooded basement and when?' },
          retrievalConfiguration: {
            vectorSearchConfiguration: {
              numberOfResults: 5,
              ...(reranking
                ? {
                    rerankingConfiguration: {
                      type: 'BEDROCK_RERANKING_MODEL' as const,
                      bedrockRerankingConfiguration: {
                        modelConfiguration: { modelArn: 'local/rerank' },
                        numberOfRerankedResults: 2,
                      },
                    },
                  }
                : {}),
            },
          },
        }),
      );
    const plain = (await search(false)).retrievalResults ?? [];
    const reranked = (await search(true)).retrievalResults ?? [];
    expect(reranked).toHaveLength(2);
    expect(reranked[0]!.content?.text).toContain('adjuster must visit');
    // The reranked ones are among the chunks found, with the reranker's relevance as their score.
    const found = new Set(plain.map((r) => r.content?.text));
    for (const result of reranked) expect(found.has(result.content?.text)).toBe(true);
    expect(reranked[0]!.score!).toBeGreaterThanOrEqual(reranked[1]!.score!);
    expect(reranked[0]!.score!).toBeLessThan(1);
    expect(reranked[0]!.score).not.toBe(
      plain.find((r) => r.content?.text === reranked[0]!.content?.text)?.score,
    );
    client.destroy();
  });

  it('applies Bedrock filters and both search types', async () => {
    const client = kb.agent(kb.tokens.analyst!);
    for (const overrideSearchType of ['HYBRID', 'SEMANTIC'] as const) {
      const response = await client.send(
        new RetrieveCommand({
          knowledgeBaseId: KB,
          retrievalQuery: { text: 'claims policy' },
          retrievalConfiguration: {
            vectorSearchConfiguration: {
              numberOfResults: 10,
              overrideSearchType,
              filter: {
                andAll: [
                  { equals: { key: 'department', value: 'fraud' } },
                  { greaterThanOrEquals: { key: 'year', value: 2024 } },
                ],
              },
            },
          },
        }),
      );
      expect(response.retrievalResults?.map((r) => r.location?.customDocumentLocation?.id)).toEqual([
        `${ROOT}/policies/theft.txt`,
      ]);
    }
    client.destroy();
  });

  it('maps errors to the modeled exceptions', async () => {
    const analyst = kb.agent(kb.tokens.analyst!);
    const missing = await thrown(
      analyst.send(
        new RetrieveCommand({ knowledgeBaseId: 'main.docs.nothing', retrievalQuery: { text: 'x' } }),
      ),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    const badFilter = await thrown(
      analyst.send(
        new RetrieveCommand({
          knowledgeBaseId: KB,
          retrievalQuery: { text: 'x' },
          retrievalConfiguration: {
            vectorSearchConfiguration: { filter: { equals: { key: 'a', value: { nested: 1 } } } },
          },
        }),
      ),
    );
    expect(badFilter).toBeInstanceOf(ValidationException);
    const tooMany = await thrown(
      analyst.send(
        new RetrieveCommand({
          knowledgeBaseId: KB,
          retrievalQuery: { text: 'x' },
          retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 101 } },
        }),
      ),
    );
    expect(tooMany).toBeInstanceOf(ValidationException);
    const rerankedBy = (bedrockRerankingConfiguration: VectorSearchBedrockRerankingConfiguration) =>
      thrown(
        analyst.send(
          new RetrieveCommand({
            knowledgeBaseId: KB,
            retrievalQuery: { text: 'x' },
            retrievalConfiguration: {
              vectorSearchConfiguration: {
                rerankingConfiguration: { type: 'BEDROCK_RERANKING_MODEL', bedrockRerankingConfiguration },
              },
            },
          }),
        ),
      );
    const reranking = await rerankedBy({
      modelConfiguration: { modelArn: 'local/rerank' },
      metadataConfiguration: { selectionMode: 'ALL' },
    });
    expect(reranking).toBeInstanceOf(ValidationException);
    expect(reranking.message).toMatch(/metadataConfiguration is not supported/);
    const extraFields = await rerankedBy({
      modelConfiguration: { modelArn: 'local/rerank', additionalModelRequestFields: { k: 1 } },
    });
    expect(extraFields).toBeInstanceOf(ValidationException);
    expect(extraFields.message).toMatch(
      /bedrockRerankingConfiguration\.modelConfiguration\.additionalModelRequestFields is not supported/,
    );
    const novolume = kb.agent(kb.tokens.novolume!);
    const denied = await thrown(
      novolume.send(new RetrieveCommand({ knowledgeBaseId: KB, retrievalQuery: { text: 'flood' } })),
    );
    expect(denied).toBeInstanceOf(AccessDeniedException);
    analyst.destroy();
    novolume.destroy();
  });
});

describe('RetrieveAndGenerate', () => {
  it('answers through the governed model API with citations whose spans point into the answer', async () => {
    const client = kb.agent(kb.tokens.analyst!);
    const response = await client.send(
      new RetrieveAndGenerateCommand({
        input: { text: 'Within how many days must the adjuster visit a flooded basement?' },
        retrieveAndGenerateConfiguration: {
          type: 'KNOWLEDGE_BASE',
          knowledgeBaseConfiguration: { knowledgeBaseId: kb.kbId, modelArn: 'local/extractive' },
        },
      }),
    );
    const text = response.output?.text ?? '';
    expect(text).toContain('five working days');
    expect(response.sessionId).toBeTruthy();
    const citations = response.citations ?? [];
    expect(citations.length).toBeGreaterThan(0);
    for (const citation of citations) {
      const part = citation.generatedResponsePart?.textResponsePart;
      expect(text.slice(part?.span?.start, part?.span?.end)).toBe(part?.text);
      for (const reference of citation.retrievedReferences ?? []) {
        expect(reference.location?.type).toBe('CUSTOM');
        expect(reference.content?.text).toContain(part?.text ?? '');
      }
    }
    expect(
      citations.some((c) =>
        c.retrievedReferences?.some((r) => r.location?.customDocumentLocation?.id?.endsWith('flood.md')),
      ),
    ).toBe(true);
    client.destroy();
  });

  it('refuses a model the caller may not call, and unsupported configurations', async () => {
    const client = kb.agent(kb.tokens.analyst!);
    const unknownModel = await thrown(
      client.send(
        new RetrieveAndGenerateCommand({
          input: { text: 'flood' },
          retrieveAndGenerateConfiguration: {
            type: 'KNOWLEDGE_BASE',
            knowledgeBaseConfiguration: { knowledgeBaseId: KB, modelArn: 'nowhere/model' },
          },
        }),
      ),
    );
    expect(unknownModel.name).toMatch(/ResourceNotFoundException|ValidationException|AccessDeniedException/);
    const external = await thrown(
      client.send(
        new RetrieveAndGenerateCommand({
          input: { text: 'flood' },
          retrieveAndGenerateConfiguration: {
            type: 'EXTERNAL_SOURCES',
            externalSourcesConfiguration: { modelArn: 'm', sources: [] },
          },
        }),
      ),
    );
    expect(external).toBeInstanceOf(ValidationException);
    client.destroy();
  });
});

describe('knowledge-base admin API', () => {
  const base = '/api/2.0/lakegate/knowledge-bases';

  it('creates, lists, gets, ingests and deletes, with errors in the Databricks shape', async () => {
    const admin = kb.tokens.admin!;
    const created = await kb.call(admin, 'POST', base, {
      name: 'main.docs.theft',
      source: `${ROOT}/policies`,
      chunking_configuration: {
        chunkingStrategy: 'FIXED_SIZE',
        fixedSizeChunkingConfiguration: { maxTokens: 50, overlapPercentage: 10 },
      },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      full_name: 'main.docs.theft',
      owner: 'admin',
      embedding_model: 'local/embed',
      documents: 0,
    });
    const job = await ingestOverHttp(kb.call, admin, 'main.docs.theft');
    expect(job).toMatchObject({ status: 'COMPLETE', statistics: { scanned: 5, new: 5, failed: 0 } });
    const listed = await kb.call(admin, 'GET', `${base}?catalog_name=main&schema_name=docs`);
    expect(
      (listed.body as { knowledge_bases: Array<{ full_name: string }> }).knowledge_bases.map(
        (k) => k.full_name,
      ),
    ).toEqual(['main.docs.policies', 'main.docs.theft']);
    const got = await kb.call(admin, 'GET', `${base}/main.docs.theft`);
    expect(got.body).toMatchObject({ documents: 5, latest_job: { status: 'COMPLETE' } });

    expect(await kb.call(admin, 'POST', base, { name: 'main.docs.bad', source: 'nope' })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_ARGUMENT' },
    });
    expect(await kb.call(admin, 'POST', base, { name: 'main.docs.theft', source: ROOT })).toMatchObject({
      status: 409,
      body: { error_code: 'ALREADY_EXISTS' },
    });
    expect(
      await kb.call(kb.tokens.analyst!, 'POST', `${base}/main.docs.policies/ingestion-jobs`),
    ).toMatchObject({
      status: 403,
      body: { error_code: 'PERMISSION_DENIED' },
    });
    expect(await kb.call(kb.tokens.stranger!, 'GET', `${base}/main.docs.policies`)).toMatchObject({
      status: 404,
      body: { error_code: 'NOT_FOUND' },
    });
    expect(await kb.call(admin, 'GET', `${base}/main.docs.policies/ingestion-jobs/job_nope`)).toMatchObject({
      status: 404,
    });
    expect((await kb.call(admin, 'DELETE', `${base}/main.docs.theft`)).status).toBe(200);
    expect((await kb.call(admin, 'GET', `${base}/main.docs.theft`)).status).toBe(404);
  });
});

describe('Rerank', () => {
  const rerank = (numberOfResults?: number, modelArn = 'local/rerank') =>
    new RerankCommand({
      queries: [{ type: 'TEXT', textQuery: { text: 'who visits a flooded basement' } }],
      sources: [
        {
          type: 'INLINE',
          inlineDocumentSource: {
            type: 'TEXT',
            textDocument: { text: 'Kitchen fires go to the fire service.' },
          },
        },
        {
          type: 'INLINE',
          inlineDocumentSource: {
            type: 'TEXT',
            textDocument: { text: 'An adjuster visits a flooded basement within two days.' },
          },
        },
        {
          type: 'INLINE',
          inlineDocumentSource: { type: 'JSON', jsonDocument: { note: 'basement damp', region: 'north' } },
        },
      ],
      rerankingConfiguration: {
        type: 'BEDROCK_RERANKING_MODEL',
        bedrockRerankingConfiguration: {
          modelConfiguration: { modelArn },
          ...(numberOfResults === undefined ? {} : { numberOfResults }),
        },
      },
    });

  it('orders inline documents by a reranking model, through the model API, for the official client', async () => {
    const client = kb.agent(kb.tokens.analyst!);
    const response = await client.send(rerank());
    const results = response.results ?? [];
    expect(results.map((r) => r.index)).toEqual([1, 2, 0]);
    expect(results[0]!.relevanceScore!).toBeGreaterThan(results[1]!.relevanceScore!);
    expect(results[0]!.document?.textDocument?.text).toContain('adjuster visits');
    expect(results[1]!.document?.jsonDocument).toEqual({ note: 'basement damp', region: 'north' });
    const top = await client.send(rerank(1));
    expect(top.results?.map((r) => r.index)).toEqual([1]);
    client.destroy();
  });

  it('needs QUERY on the model, and refuses a model that cannot rerank', async () => {
    const stranger = kb.agent(kb.tokens.stranger!);
    const permissions = '/api/2.1/unity-catalog/permissions/serving_endpoint/local';
    const change = (key: 'add' | 'remove') =>
      kb.call(kb.tokens.admin!, 'PATCH', permissions, {
        changes: [{ principal: 'stranger', [key]: ['QUERY'] }],
      });
    expect((await change('remove')).status).toBe(200);
    try {
      const denied = await thrown(stranger.send(rerank()));
      expect(denied.name).toMatch(/AccessDeniedException|ResourceNotFoundException/);
    } finally {
      expect((await change('add')).status).toBe(200);
    }
    const wrong = await thrown(stranger.send(rerank(undefined, 'local/embed')));
    expect(wrong).toBeInstanceOf(ValidationException);
    stranger.destroy();
  });
});
