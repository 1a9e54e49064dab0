// A guardrail attached to a serving endpoint in the config guards every surface that calls the endpoint:
// the Bedrock surface (BedrockRuntimeClient) and the OpenAI surface (the openai package) alike.

import {
  BedrockClient,
  CreateGuardrailCommand,
  CreateGuardrailVersionCommand,
} from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  startLakegate,
  TEST_KEY,
  TEST_KEY_ID,
  TEST_SECRET,
} from '../../../test/support/lakegate-harness.js';
import { chatStream, chatReply as reply } from '../../../test/support/openai-wire.js';
import { type ScriptedServer, startScriptedServer } from '../../../test/support/scripted-server.js';

let lakegate: Harness;
let upstream: ScriptedServer;
let runtime: BedrockRuntimeClient;

beforeAll(async () => {
  upstream = await startScriptedServer();
  lakegate = await startLakegate({
    providers: { scripted: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1` } },
    endpoints: {
      'guarded-assistant': {
        served: [{ model: 'scripted/scripted-model' }],
        retry: { attempts: 0 },
        guardrail: { id: 'endpoint-pii', version: '1' },
      },
      'output-only': {
        served: [{ model: 'scripted/scripted-model' }],
        retry: { attempts: 0 },
        guardrail: { id: 'endpoint-pii', version: '1', input: false },
      },
    },
  });
  const settings = {
    endpoint: lakegate.url,
    region: 'us-east-1',
    credentials: { accessKeyId: TEST_KEY_ID, secretAccessKey: TEST_SECRET },
    maxAttempts: 1,
  };
  runtime = new BedrockRuntimeClient(settings);
  const control = new BedrockClient(settings);
  const { guardrailId } = await control.send(
    new CreateGuardrailCommand({
      name: 'endpoint-pii',
      blockedInputMessaging: 'Blocked by the endpoint guardrail.',
      blockedOutputsMessaging: 'Withheld by the endpoint guardrail.',
      sensitiveInformationPolicyConfig: {
        piiEntitiesConfig: [
          { type: 'EMAIL', action: 'ANONYMIZE' },
          { type: 'US_SOCIAL_SECURITY_NUMBER', action: 'BLOCK' },
        ],
      },
    }),
  );
  // The endpoint names version 1: the DRAFT can change, the version it runs cannot.
  await control.send(
    new CreateGuardrailVersionCommand({
      guardrailIdentifier: guardrailId,
    }),
  );
  control.destroy();
});

afterAll(async () => {
  runtime?.destroy();
  await lakegate?.close();
  await upstream?.close();
});

describe('endpoint-attached guardrails', () => {
  it('guard the Bedrock surface without any guardrailConfig in the request', async () => {
    const before = upstream.requests.length;
    const blocked = await runtime.send(
      new ConverseCommand({
        modelId: 'guarded-assistant',
        messages: [{ role: 'user', content: [{ text: 'My SSN is 123-45-6789.' }] }],
      }),
    );
    expect(blocked.output?.message?.content).toEqual([{ text: 'Blocked by the endpoint guardrail.' }]);
    expect(blocked.stopReason).toBe('guardrail_intervened');
    expect(upstream.requests.length).toBe(before);

    upstream.enqueue(reply('Sure, I will write to ana@example.com.'));
    const masked = await runtime.send(
      new ConverseCommand({
        modelId: 'guarded-assistant',
        messages: [{ role: 'user', content: [{ text: 'Write to bob@example.org please.' }] }],
      }),
    );
    expect(JSON.stringify(upstream.lastRequest().json)).toContain('Write to {EMAIL} please.');
    expect(masked.output?.message?.content?.[0]?.text).toBe('Sure, I will write to {EMAIL}.');
  });

  it('guard the OpenAI surface too, and honour the directions', async () => {
    const openai = new OpenAI({ baseURL: `${lakegate.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    upstream.enqueue(reply('Your SSN on file is 123-45-6789.'));
    const completion = await openai.chat.completions.create({
      model: 'guarded-assistant',
      messages: [{ role: 'user', content: 'What SSN do you have for me?' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Withheld by the endpoint guardrail.');

    // Input unchecked on this endpoint: the address reaches the model; the answer is still checked.
    upstream.enqueue(reply('Noted: carol@example.net.'));
    const outputOnly = await openai.chat.completions.create({
      model: 'output-only',
      messages: [{ role: 'user', content: 'Remember carol@example.net' }],
    });
    expect(JSON.stringify(upstream.lastRequest().json)).toContain('carol@example.net');
    expect(outputOnly.choices[0]?.message.content).toBe('Noted: {EMAIL}.');

    // Streamed through the OpenAI surface: the blocked sentence never arrives.
    upstream.enqueue(
      chatStream([
        'Your claim C-1042 is approved and will be paid within five working days. ',
        'Your SSN is 123-45-',
        '6789 as on file.',
      ]),
    );
    const stream = await openai.chat.completions.create({
      model: 'guarded-assistant',
      messages: [{ role: 'user', content: 'Status?' }],
      stream: true,
    });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
    expect(streamed).toContain('approved');
    expect(streamed).not.toContain('6789');
    expect(streamed.endsWith('Withheld by the endpoint guardrail.')).toBe(true);

    await lakegate.server.catalog.audit.flush();
    const page = await lakegate.server.catalog.audit.query({ action: 'guardrail.intervened', limit: 20 });
    expect(
      page.records.some((r) => r.params.endpoint === 'guarded-assistant' && r.principalId === null),
    ).toBe(true);
    expect(JSON.stringify(page.records)).not.toMatch(/123-45-6789|carol@example/);
  });
});
