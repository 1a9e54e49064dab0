// Attempts to get a knowledge base's documents out to callers who may not read them, through the real
// server and the official client: without READ VOLUME, without QUERY, unknown to the knowledge base; and
// `allowed_groups` documents to non-members through Retrieve and RetrieveAndGenerate (answer text and
// citations), HYBRID and SEMANTIC, with filters that try to OR them back in, asking for 100 results,
// addressing the knowledge base by id and by name. None may succeed; members and admins do get them.

import {
  type BedrockAgentRuntimeClient,
  type RetrievalFilter,
  RetrieveAndGenerateCommand,
  RetrieveCommand,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KB, type KbServer, SECRETS, startKbServer } from './test-support.js';

let kb: KbServer;
const clients: BedrockAgentRuntimeClient[] = [];

function client(user: string): BedrockAgentRuntimeClient {
  const made = kb.agent(kb.tokens[user]!);
  clients.push(made);
  return made;
}

beforeAll(async () => {
  kb = await startKbServer();
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  await kb?.close();
});

const QUESTIONS = [
  'How large is the senior adjuster bonus pool?',
  'What is the confidential flood reserve for the north region?',
  'adjuster salaries confidential',
  'basement flood claims',
];

/** Filters a caller might use to pull restricted documents back into its results. */
const SNEAKY_FILTERS: Array<RetrievalFilter | undefined> = [
  undefined,
  { equals: { key: 'department', value: 'hr' } },
  {
    orAll: [
      { equals: { key: 'department', value: 'hr' } },
      { notEquals: { key: 'department', value: 'hr' } },
    ],
  },
  {
    orAll: [
      { listContains: { key: 'allowed_groups', value: 'adjusters' } },
      { equals: { key: 'x-lakegate-restricted', value: true } },
    ],
  },
  {
    orAll: [
      { startsWith: { key: 'x-amz-bedrock-kb-source-uri', value: '/Volumes' } },
      { notIn: { key: 'department', value: ['none'] } },
    ],
  },
];

function assertClean(payload: unknown): void {
  const text = JSON.stringify(payload);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('allowed_groups documents and non-members', () => {
  it('never come back from Retrieve, whatever the search type, filter, id form or number asked', async () => {
    const analyst = client('analyst');
    let results = 0;
    for (const knowledgeBaseId of [KB, kb.kbId]) {
      for (const overrideSearchType of ['HYBRID', 'SEMANTIC'] as const) {
        for (const filter of SNEAKY_FILTERS) {
          for (const text of QUESTIONS) {
            const response = await analyst.send(
              new RetrieveCommand({
                knowledgeBaseId,
                retrievalQuery: { text },
                retrievalConfiguration: {
                  vectorSearchConfiguration: {
                    numberOfResults: 100,
                    overrideSearchType,
                    ...(filter ? { filter } : {}),
                  },
                },
              }),
            );
            results += response.retrievalResults?.length ?? 0;
            assertClean(response.retrievalResults);
          }
        }
      }
    }
    // The searches did return the documents the analyst may read.
    expect(results).toBeGreaterThan(0);
  });

  it('never reach a RetrieveAndGenerate answer or its citations', async () => {
    const analyst = client('analyst');
    for (const filter of SNEAKY_FILTERS) {
      for (const text of QUESTIONS) {
        const response = await analyst.send(
          new RetrieveAndGenerateCommand({
            input: { text },
            retrieveAndGenerateConfiguration: {
              type: 'KNOWLEDGE_BASE',
              knowledgeBaseConfiguration: {
                knowledgeBaseId: KB,
                modelArn: 'local/extractive',
                retrievalConfiguration: {
                  vectorSearchConfiguration: { numberOfResults: 100, ...(filter ? { filter } : {}) },
                },
              },
            },
          }),
        );
        assertClean(response.output);
        assertClean(response.citations);
      }
    }
  });

  it('do reach members of one of the groups, and admins', async () => {
    for (const user of ['adjuster', 'admin']) {
      const response = await client(user).send(
        new RetrieveCommand({
          knowledgeBaseId: KB,
          retrievalQuery: { text: 'senior adjuster bonus pool confidential flood reserve' },
          retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 100 } },
        }),
      );
      const paths = response.retrievalResults?.map((r) => r.location?.customDocumentLocation?.id) ?? [];
      expect(paths.some((p) => p?.endsWith('salaries.txt'))).toBe(true);
      expect(paths.some((p) => p?.endsWith('reserve.md'))).toBe(true);
    }
    const answer = await client('adjuster').send(
      new RetrieveAndGenerateCommand({
        input: { text: 'How large is the senior adjuster bonus pool?' },
        retrieveAndGenerateConfiguration: {
          type: 'KNOWLEDGE_BASE',
          knowledgeBaseConfiguration: { knowledgeBaseId: KB, modelArn: 'local/extractive' },
        },
      }),
    );
    expect(answer.output?.text).toContain('40,000');
  });

  it('is re-decided on every call: leaving the group takes effect at once', async () => {
    const { catalog } = kb.lakegate.server;
    const adjuster = client('adjuster');
    const ask = () =>
      adjuster.send(
        new RetrieveCommand({
          knowledgeBaseId: KB,
          retrievalQuery: { text: 'senior adjuster bonus pool' },
          retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 100 } },
        }),
      );
    expect(JSON.stringify((await ask()).retrievalResults)).toContain('bonus pool');
    await catalog.identity.removeMember('adjusters', 'adjuster');
    try {
      assertClean((await ask()).retrievalResults);
    } finally {
      await catalog.identity.addMember('adjusters', 'adjuster');
    }
  });
});

describe('callers without the rights get nothing', () => {
  const attempts = (knowledgeBaseId: string) => [
    new RetrieveCommand({ knowledgeBaseId, retrievalQuery: { text: 'basement flood claims' } }),
    new RetrieveAndGenerateCommand({
      input: { text: 'basement flood claims' },
      retrieveAndGenerateConfiguration: {
        type: 'KNOWLEDGE_BASE',
        knowledgeBaseConfiguration: { knowledgeBaseId, modelArn: 'local/extractive' },
      },
    }),
  ];

  for (const [user, expected] of [
    ['stranger', 'ResourceNotFoundException'],
    ['novolume', 'AccessDeniedException'],
    ['noquery', 'AccessDeniedException'],
  ] as const) {
    it(`${user}: ${expected}, and no content`, async () => {
      const caller = client(user);
      for (const knowledgeBaseId of [KB, () => kb.kbId]) {
        const id = typeof knowledgeBaseId === 'string' ? knowledgeBaseId : knowledgeBaseId();
        for (const command of attempts(id)) {
          let error: Error | undefined;
          try {
            // biome-ignore lint/suspicious/noExplicitAny: two command types through one client.
            await caller.send(command as any);
          } catch (thrown) {
            error = thrown as Error;
          }
          expect(error?.name).toBe(expected);
          expect(error?.message).not.toMatch(/flood|basement|main\.docs\.files/);
        }
      }
    });
  }

  it('a stranger cannot tell an existing knowledge base from a missing one', async () => {
    const caller = client('stranger');
    const messageFor = async (knowledgeBaseId: string) => {
      try {
        await caller.send(new RetrieveCommand({ knowledgeBaseId, retrievalQuery: { text: 'x' } }));
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    expect((await messageFor(KB)).replace('policies', 'X')).toBe(
      (await messageFor('main.docs.nothing')).replace('nothing', 'X'),
    );
    expect((await messageFor(kb.kbId)).replace(kb.kbId, 'X')).toBe(
      (await messageFor('kb_0000000000')).replace('kb_0000000000', 'X'),
    );
  });
});
