// Inference tables through a real server: an endpoint's calls land in a governed table created at start
// (owned by the admin), in batches; who may read them is decided by ordinary grants and row filters;
// with a guardrail attached the logged payloads are masked (a blocked request too); streams are logged
// as their assembled text; sampling and API keys are honoured.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockClient, CreateGuardrailCommand } from '@aws-sdk/client-bedrock';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, client, LG, UC, userWithKey } from '../../test/support/catalog-rest.js';
import {
  type Harness,
  startLakegate,
  TEST_KEY,
  TEST_KEY_ID,
  TEST_SECRET,
} from '../../test/support/lakegate-harness.js';
import { type ScriptedServer, startScriptedServer } from '../../test/support/scripted-server.js';
import { configSchema } from '../core/index.js';
import { startServer } from './start-server.js';

const STATEMENTS = '/api/2.0/sql/statements';
const TABLE = 'ops.logs.assistant_payloads';

let upstream: ScriptedServer;
let lakegate: Harness;
let admin: Call;
let openai: OpenAI;

const completion = (text: string) => ({
  id: 'c',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
});
const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

type Row = Record<string, string | null>;

async function select(call: Call, sql: string): Promise<{ status: number; rows: Row[]; body: unknown }> {
  const reply = await call('POST', STATEMENTS, { statement: sql, wait_timeout: '30s' });
  const body = reply.body as {
    status?: { state: string };
    manifest?: { schema: { columns: Array<{ name: string }> } };
    result?: { data_array?: Array<Array<string | null>> };
  };
  const names = body.manifest?.schema.columns.map((c) => c.name) ?? [];
  const rows = (body.result?.data_array ?? []).map((values) =>
    Object.fromEntries(names.map((n, i) => [n, values[i] ?? null])),
  );
  return { status: reply.status, rows, body };
}

/** The logged row of a request, once a flush has written it. */
async function loggedRow(requestId: string | null): Promise<Row> {
  expect(requestId).toBeTruthy();
  let row: Row | undefined;
  await expect
    .poll(
      async () => {
        row = (await select(admin, `SELECT * FROM ${TABLE} WHERE request_id = '${requestId}'`)).rows[0];
        return row !== undefined;
      },
      { timeout: 10_000, interval: 200 },
    )
    .toBe(true);
  return row!;
}

/** A chat call the upstream answers with `answer`, and the row it was logged as. */
async function loggedChat(
  answer: string,
  request: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
): Promise<Row> {
  upstream.enqueue({ body: completion(answer) });
  const { response } = await openai.chat.completions.create(request).withResponse();
  return loggedRow(response.headers.get('x-request-id'));
}

beforeAll(async () => {
  upstream = await startScriptedServer();
  lakegate = await startLakegate({
    providers: { scripted: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1` } },
    endpoints: {
      assistant: {
        served: [{ model: 'scripted/gpt-test' }],
        retry: { attempts: 0 },
        guardrail: { id: 'log-pii', version: 'DRAFT' },
        inferenceTable: { table: TABLE, sampleRate: 1 },
      },
      // No guardrail: its payloads are logged as they were.
      plain: {
        served: [{ model: 'scripted/gpt-test' }],
        retry: { attempts: 0 },
        inferenceTable: { table: TABLE, sampleRate: 1 },
      },
      unsampled: {
        served: [{ model: 'scripted/gpt-test' }],
        retry: { attempts: 0 },
        inferenceTable: { table: 'ops.logs.unsampled', sampleRate: 0 },
      },
    },
  });
  admin = client(lakegate.url);
  openai = new OpenAI({ baseURL: `${lakegate.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  const control = new BedrockClient({
    endpoint: lakegate.url,
    region: 'us-east-1',
    credentials: { accessKeyId: TEST_KEY_ID, secretAccessKey: TEST_SECRET },
    maxAttempts: 1,
  });
  await control.send(
    new CreateGuardrailCommand({
      name: 'log-pii',
      blockedInputMessaging: 'Blocked.',
      blockedOutputsMessaging: 'Withheld.',
      sensitiveInformationPolicyConfig: {
        piiEntitiesConfig: [
          { type: 'EMAIL', action: 'ANONYMIZE' },
          { type: 'US_SOCIAL_SECURITY_NUMBER', action: 'BLOCK' },
        ],
      },
    }),
  );
  control.destroy();
}, 60_000);

afterAll(async () => {
  await lakegate?.close();
  await upstream?.close();
});

describe('inference tables', () => {
  it('creates the table at start, owned by the admin, with the payload columns', async () => {
    const table = await admin('GET', `${UC}/tables/${TABLE}`);
    expect(table.status).toBe(200);
    const body = table.body as { owner: string; columns: Array<{ name: string }> };
    expect(body.owner).toBe('admin');
    expect(body.columns.map((c) => c.name)).toEqual([
      'request_id',
      'time',
      'principal',
      'endpoint',
      'served_model',
      'status',
      'cache_hit',
      'request',
      'response',
      'input_tokens',
      'output_tokens',
      'latency_ms',
    ]);
  });

  it('logs a call with its payloads masked by the endpoint guardrail, and never the API key', async () => {
    const row = await loggedChat('I will write to ana@example.com today.', {
      model: 'assistant',
      messages: [{ role: 'user', content: 'Mail bob@example.org the claim.' }],
    });
    expect(row).toMatchObject({
      principal: 'admin',
      endpoint: 'assistant',
      served_model: 'scripted/gpt-test',
      status: 'ok',
      cache_hit: 'false',
      input_tokens: '12',
      output_tokens: '6',
    });
    const request = JSON.parse(row.request!) as { messages: Array<{ content: Array<{ text: string }> }> };
    expect(request.messages[0]?.content[0]?.text).toBe('Mail {EMAIL} the claim.');
    expect(JSON.parse(row.response!)).toMatchObject({
      output: { message: { content: [{ type: 'text', text: 'I will write to {EMAIL} today.' }] } },
    });
    const all = JSON.stringify(row);
    expect(all).not.toMatch(/example\.(com|org)|lgTESTKEY|test-secret/);
  });

  it('logs the payloads of an endpoint without a guardrail as they were', async () => {
    const row = await loggedChat('I will write to ana@example.com today.', {
      model: 'plain',
      messages: [{ role: 'user', content: 'Mail "bob@example.org" the claim.\nThanks' }],
      max_tokens: 64,
    });
    expect(row).toMatchObject({ endpoint: 'plain', status: 'ok' });
    expect(JSON.parse(row.request!)).toMatchObject({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Mail "bob@example.org" the claim.\nThanks' }] },
      ],
      inferenceConfig: { maxTokens: 64 },
    });
    expect(JSON.parse(row.response!)).toEqual({
      output: {
        message: {
          role: 'assistant',
          content: [{ type: 'text', text: 'I will write to ana@example.com today.' }],
        },
      },
      stopReason: 'end_turn',
    });
  });

  it('masks a request the guardrail blocked, whose entity never reached the model', async () => {
    const before = upstream.requests.length;
    const { response } = await openai.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'My SSN is 123-45-6789.' }] })
      .withResponse();
    expect(upstream.requests.length).toBe(before);
    const row = await loggedRow(response.headers.get('x-request-id'));
    expect(row.request).toContain('{US_SOCIAL_SECURITY_NUMBER}');
    expect(JSON.stringify(row)).not.toContain('6789');
  });

  it('logs a stream as the text the client received', async () => {
    upstream.enqueue({
      headers: { 'content-type': 'text/event-stream' },
      chunks: [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'The claim is approved. ' }),
        chunk({ content: 'Contact carol@example.net for details.' }),
        chunk({}, 'stop'),
        'data: [DONE]\n\n',
      ],
    });
    const { data: stream, response } = await openai.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'Status?' }], stream: true })
      .withResponse();
    let streamed = '';
    for await (const part of stream) streamed += part.choices[0]?.delta?.content ?? '';
    const row = await loggedRow(response.headers.get('x-request-id'));
    const logged = JSON.parse(row.response!) as { text: string; stopReason: string };
    expect(logged.text).toBe(streamed);
    expect(logged.text).toBe('The claim is approved. Contact {EMAIL} for details.');
  });

  it('lets only those granted read the logs, and row filters apply', async () => {
    const anaKey = await userWithKey(admin, 'ana@example.com');
    const ana = client(lakegate.url, anaKey.token);
    await admin('PATCH', `${UC}/permissions/serving_endpoint/assistant`, {
      changes: [{ principal: 'ana@example.com', add: ['QUERY'] }],
    });
    upstream.enqueue({ body: completion('Fine.') });
    const { response } = await new OpenAI({
      baseURL: `${lakegate.url}/v1`,
      apiKey: anaKey.token,
      maxRetries: 0,
    }).chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'Any news?' }] })
      .withResponse();
    expect((await loggedRow(response.headers.get('x-request-id'))).principal).toBe('ana@example.com');

    // Calling the endpoint is no grant on its log: without SELECT she cannot read it, not even her calls.
    const denied = await select(ana, `SELECT count(*) FROM ${TABLE}`);
    expect(denied.rows).toEqual([]);
    expect(JSON.stringify(denied.body)).toMatch(/NOT_FOUND|PERMISSION|not found/i);

    await admin('PATCH', `${UC}/permissions/catalog/ops`, {
      changes: [{ principal: 'ana@example.com', add: ['USE_CATALOG'] }],
    });
    await admin('PATCH', `${UC}/permissions/schema/ops.logs`, {
      changes: [{ principal: 'ana@example.com', add: ['USE_SCHEMA', 'SELECT'] }],
    });
    // A row filter: each caller sees only the calls they made.
    const filter = await admin('PUT', `${LG}/tables/${TABLE}/row-filter`, {
      expression: 'principal = current_user()',
    });
    expect(filter.status, JSON.stringify(filter.body)).toBe(200);
    const own = await select(ana, `SELECT principal, response FROM ${TABLE}`);
    expect(own.status).toBe(200);
    expect(own.rows).toEqual([{ principal: 'ana@example.com', response: expect.stringContaining('Fine.') }]);
  });

  it('logs nothing for an endpoint sampled at 0', async () => {
    upstream.enqueue({ body: completion('Unlogged.') });
    await openai.chat.completions.create({ model: 'unsampled', messages: [{ role: 'user', content: 'Hi' }] });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const rows = await select(admin, 'SELECT count(*) AS n FROM ops.logs.unsampled');
    expect(rows.rows).toEqual([{ n: '0' }]);
  });
});

describe('inference tables on shutdown', () => {
  it('writes the calls still queued when the server closes', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lakegate-payloads-'));
    const config = configSchema.parse({
      providers: { scripted: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1` } },
      endpoints: {
        assistant: {
          served: [{ model: 'scripted/gpt-test' }],
          retry: { attempts: 0 },
          inferenceTable: { table: 'ops.logs.shutdown' },
        },
      },
    });
    const start = () =>
      startServer({ host: '127.0.0.1', port: 0, home, config, env: { LAKEGATE_ADMIN_KEY: TEST_KEY } });
    try {
      const first = await start();
      upstream.enqueue({ body: completion('Logged at shutdown.') });
      const response = await new OpenAI({
        baseURL: `${first.url}/v1`,
        apiKey: TEST_KEY,
        maxRetries: 0,
      }).chat.completions
        .create({ model: 'assistant', messages: [{ role: 'user', content: 'Bye?' }] })
        .withResponse();
      const requestId = response.response.headers.get('x-request-id');
      // Closed at once, well before the next one-second flush.
      await first.close();
      const second = await start();
      try {
        const rows = await select(client(second.url), 'SELECT request_id, response FROM ops.logs.shutdown');
        expect(rows.rows).toEqual([
          { request_id: requestId, response: expect.stringContaining('Logged at shutdown.') },
        ]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
