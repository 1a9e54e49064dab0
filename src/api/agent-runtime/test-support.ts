// A running Lakegate with one knowledge base over a volume of insurance documents, ingested through the
// admin API, and callers with different rights, each with its own API key: what the agent-runtime suites
// (conformance and leak) share. Everything goes through the real server; only the principals, keys and
// grants are set up on its catalog directly.

import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { type Harness, startLakegate, TEST_KEY } from '../../../test/support/lakegate-harness.js';
import type { Actor } from '../../catalog/index.js';

export const KB = 'main.docs.policies';
export const ROOT = '/Volumes/main/docs/files';

export const DOCUMENTS: Record<string, string> = {
  'policies/flood.md':
    '# Flood claims\n\nA burst pipe that floods a basement is covered when the policy includes water damage. The adjuster must visit within five working days.\n\nGradual leaks are excluded from every household policy.',
  'policies/theft.txt':
    'Theft claims need a police report number. Bicycles stolen from an unlocked shed are not covered unless the policy lists them.',
  'policies/theft.txt.metadata.json': JSON.stringify({
    metadataAttributes: { department: 'fraud', year: 2024 },
  }),
  'policies/hail.html':
    '<html><head><title>Hail guide</title></head><body><h1>Hail</h1><p>Hail damage to roofs is assessed from photographs taken within 48 hours of the storm.</p></body></html>',
  'policies/hr/salaries.txt':
    'Adjuster salaries are confidential. The senior adjuster bonus pool is 40,000 EUR this year and depends on closed flood claims.',
  'policies/hr/salaries.txt.metadata.json': JSON.stringify({
    metadataAttributes: { allowed_groups: ['adjusters'], department: 'hr', year: 2024 },
  }),
  'policies/hr/reserve.md':
    '# Flood reserve\n\nThe confidential flood reserve for the north region is 2.5 million EUR, held back for basement flood claims.',
  'policies/hr/reserve.md.metadata.json': JSON.stringify({
    metadataAttributes: { allowed_groups: ['actuaries', 'adjusters'], department: 'finance' },
  }),
};

/** Phrases only the restricted documents contain. */
export const SECRETS = ['40,000', 'bonus pool', '2.5 million', 'flood reserve', 'salaries.txt', 'reserve.md'];

export interface KbServer {
  lakegate: Harness;
  /** Tokens by user: admin, analyst (no group), adjuster (adjusters), novolume (QUERY, no READ VOLUME), noquery (READ VOLUME, BROWSE), stranger (nothing). */
  tokens: Record<string, string>;
  kbId: string;
  call(
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }>;
  agent(token: string): BedrockAgentRuntimeClient;
  close(): Promise<void>;
}

export function agentClient(url: string, token: string): BedrockAgentRuntimeClient {
  const [accessKeyId, secretAccessKey] = token.split('.') as [string, string];
  return new BedrockAgentRuntimeClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

export async function startKbServer(): Promise<KbServer> {
  const lakegate = await startLakegate();
  const { catalog } = lakegate.server;
  const call: KbServer['call'] = async (token, method, path, body) => {
    const response = await fetch(`${lakegate.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  try {
    const adminPrincipal = (await catalog.identity.getPrincipal('admin'))!;
    const admin: Actor = {
      principalId: adminPrincipal.id,
      name: adminPrincipal.name,
      kind: 'user',
      isAdmin: true,
    };
    await catalog.securables.createCatalog(admin, 'main');
    await catalog.securables.createSchema(admin, 'main.docs');
    await catalog.securables.createObject(admin, 'volume', 'main.docs.files', {
      details: { volume_type: 'MANAGED' },
    });
    for (const [path, content] of Object.entries(DOCUMENTS)) {
      const response = await fetch(`${lakegate.url}/api/2.0/fs/files${ROOT}/${path}?overwrite=true`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TEST_KEY}` },
        body: content,
      });
      if (response.status >= 300)
        throw new Error(`upload ${path}: ${response.status} ${await response.text()}`);
    }
    for (const group of ['adjusters', 'actuaries']) {
      await catalog.identity.createPrincipal({ name: group, kind: 'group' }, admin.principalId);
    }
    const tokens: Record<string, string> = { admin: TEST_KEY };
    const grant = (
      type: 'catalog' | 'schema' | 'volume' | 'knowledge_base' | 'serving_endpoint',
      name: string,
      who: string,
      ...privileges: string[]
    ) => catalog.securables.updatePermissions(admin, type, name, [{ principal: who, add: privileges }]);
    for (const name of ['analyst', 'adjuster', 'novolume', 'noquery', 'stranger']) {
      await catalog.identity.createPrincipal({ name, kind: 'user' }, admin.principalId);
      tokens[name] = (await catalog.identity.createKey(name, {}, admin.principalId)).token;
      // Everyone may call the built-in models: what is tested here is the knowledge base's own rules.
      await grant('serving_endpoint', 'local', name, 'QUERY');
      if (name === 'stranger') continue;
      await grant('catalog', 'main', name, 'USE CATALOG');
      await grant('schema', 'main.docs', name, 'USE SCHEMA');
    }
    await catalog.identity.addMember('adjusters', 'adjuster', admin.principalId);
    for (const name of ['analyst', 'adjuster', 'noquery'])
      await grant('volume', 'main.docs.files', name, 'READ VOLUME');

    const created = await call(TEST_KEY, 'POST', '/api/2.0/lakegate/knowledge-bases', {
      name: KB,
      source: `${ROOT}/policies`,
    });
    if (created.status !== 200) throw new Error(`create: ${JSON.stringify(created.body)}`);
    const kbId = (created.body as { id: string }).id;
    for (const name of ['analyst', 'adjuster', 'novolume']) await grant('knowledge_base', KB, name, 'QUERY');
    await grant('knowledge_base', KB, 'noquery', 'BROWSE');
    await ingestOverHttp(call, TEST_KEY, KB);
    return {
      lakegate,
      tokens,
      kbId,
      call,
      agent: (token) => agentClient(lakegate.url, token),
      close: () => lakegate.close(),
    };
  } catch (error) {
    await lakegate.close();
    throw error;
  }
}

/** Starts an ingestion job through the admin API and polls it until it ends; returns the ended job. */
export async function ingestOverHttp(
  call: KbServer['call'],
  token: string,
  kb: string,
): Promise<Record<string, unknown>> {
  const started = await call(token, 'POST', `/api/2.0/lakegate/knowledge-bases/${kb}/ingestion-jobs`);
  if (started.status !== 200) throw new Error(`ingest: ${JSON.stringify(started.body)}`);
  const jobId = (started.body as { job_id: string }).job_id;
  for (;;) {
    const job = await call(token, 'GET', `/api/2.0/lakegate/knowledge-bases/${kb}/ingestion-jobs/${jobId}`);
    const body = job.body as Record<string, unknown>;
    if (body.status !== 'IN_PROGRESS') return body;
    await new Promise((r) => setTimeout(r, 20));
  }
}
