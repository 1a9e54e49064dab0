// Model calls are governed: QUERY on the serving endpoint (or, for direct calls, on the provider) is
// what lets a principal call a model, through either surface; every decision is audited.

import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/catalog/index.js';
import { type Harness, startLakegate } from '../support/lakegate-harness.js';

let lakegate: Harness;
let analystToken: string;
let admin: Actor;

const ask = { role: 'user' as const, content: 'The deductible is 500 EUR. What is the deductible?' };

beforeAll(async () => {
  lakegate = await startLakegate({
    endpoints: { 'claims-assistant': { served: [{ model: 'local/extractive' }] } },
  });
  const { identity } = lakegate.server.catalog;
  const adminPrincipal = (await identity.getPrincipal('admin'))!;
  admin = { principalId: adminPrincipal.id, name: 'admin', kind: 'user', isAdmin: true };
  await identity.createPrincipal({ name: 'ana@example.com', kind: 'user' }, admin.principalId);
  await identity.createPrincipal({ name: 'analysts', kind: 'group' }, admin.principalId);
  await identity.addMember('analysts', 'ana@example.com');
  analystToken = (await identity.createKey('ana@example.com', {}, admin.principalId)).token;
});

afterAll(async () => {
  await lakegate?.close();
});

function openai(token: string) {
  return new OpenAI({ baseURL: `${lakegate.url}/v1`, apiKey: token, maxRetries: 0 });
}

describe('model access', () => {
  it('denies by default, without revealing the endpoint', async () => {
    await expect(
      openai(analystToken).chat.completions.create({ model: 'claims-assistant', messages: [ask] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const [keyId, secret] = analystToken.split('.') as [string, string];
    const bedrock = new BedrockRuntimeClient({
      endpoint: lakegate.url,
      region: 'us-east-1',
      credentials: { accessKeyId: keyId, secretAccessKey: secret },
      maxAttempts: 1,
    });
    await expect(
      bedrock.send(
        new ConverseCommand({
          modelId: 'claims-assistant',
          messages: [{ role: 'user', content: [{ text: 'x' }] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    bedrock.destroy();
    const models: string[] = [];
    for await (const m of openai(analystToken).models.list()) models.push(m.id);
    expect(models).toEqual([]);
  });

  it('allows a group granted QUERY on the endpoint, and only that endpoint', async () => {
    const { securables } = lakegate.server.catalog;
    await securables.updatePermissions(admin, 'serving_endpoint', 'claims-assistant', [
      { principal: 'analysts', add: ['QUERY'] },
    ]);
    const reply = await openai(analystToken).chat.completions.create({
      model: 'claims-assistant',
      messages: [ask],
    });
    expect(reply.choices[0]?.message.content).toContain('500 EUR');
    // Direct calls to the provider are governed by the provider's own securable.
    await expect(
      openai(analystToken).chat.completions.create({ model: 'local/extractive', messages: [ask] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const models: string[] = [];
    for await (const m of openai(analystToken).models.list()) models.push(m.id);
    expect(models).toEqual(['claims-assistant']);
  });

  it('takes a revoke into account on the very next request', async () => {
    const { securables } = lakegate.server.catalog;
    await securables.updatePermissions(admin, 'serving_endpoint', 'claims-assistant', [
      { principal: 'analysts', remove: ['QUERY'] },
    ]);
    await expect(
      openai(analystToken).chat.completions.create({ model: 'claims-assistant', messages: [ask] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('audits every decision, allowed and denied', async () => {
    const { audit, identity } = lakegate.server.catalog;
    await audit.flush();
    const ana = (await identity.getPrincipal('ana@example.com'))!;
    const page = await audit.query({ principalId: ana.id, limit: 50 });
    const decisions = page.records
      .filter((r) => r.action.startsWith('model.'))
      .map((r) => `${r.decision} ${r.securableName}`);
    expect(decisions).toContain('allow claims-assistant');
    expect(decisions).toContain('deny claims-assistant');
    expect(decisions).toContain('deny local');
    expect((await audit.verify()).ok).toBe(true);
  });
});
