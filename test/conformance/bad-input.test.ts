// Bad input gets a 4xx in the surface's own error shape, nothing is half-done, and the server keeps
// serving: malformed JSON, wrong types, unknown models and content blocks, oversize bodies, junk bytes.

import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startLakegate, TEST_KEY } from '../support/lakegate-harness.js';

let lakegate: Harness;

beforeAll(async () => {
  lakegate = await startLakegate({ server: { maxBodyBytes: 64 * 1024 } });
});

afterAll(async () => {
  await lakegate?.close();
});

async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const response = await fetch(`${lakegate.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

async function expectHealthy() {
  const health = await fetch(`${lakegate.url}/health`);
  expect(health.status).toBe(200);
}

const bedrockCases: Array<[string, string, string, number, RegExp]> = [
  ['malformed JSON', '/model/local%2Fextractive/converse', '{"messages": [', 400, /not valid JSON/],
  ['empty body', '/model/local%2Fextractive/converse', '', 400, /empty/],
  ['a JSON array', '/model/local%2Fextractive/converse', '[]', 400, /Invalid request/],
  ['no messages', '/model/local%2Fextractive/converse', '{"messages": []}', 400, /messages/],
  [
    'a bad role',
    '/model/local%2Fextractive/converse',
    '{"messages":[{"role":"system","content":[{"text":"x"}]}]}',
    400,
    /messages\.0\.role/,
  ],
  [
    'an unknown content block',
    '/model/local%2Fextractive/converse',
    '{"messages":[{"role":"user","content":[{"video":{}}]}]}',
    400,
    /messages\.0\.content\.0: "video" is not a supported content block/,
  ],
  [
    'a block with two members',
    '/model/local%2Fextractive/converse',
    '{"messages":[{"role":"user","content":[{"text":"a","image":{}}]}]}',
    400,
    /exactly one member/,
  ],
  [
    'invalid base64 image bytes',
    '/model/local%2Fextractive/converse',
    '{"messages":[{"role":"user","content":[{"image":{"format":"png","source":{"bytes":"%%%"}}}]}]}',
    400,
    /not valid base64/,
  ],
  [
    'temperature out of range',
    '/model/local%2Fextractive/converse',
    '{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"temperature":7}}',
    400,
    /inferenceConfig\.temperature/,
  ],
  [
    'an unknown model',
    '/model/nobody%2Fnothing/converse',
    '{"messages":[{"role":"user","content":[{"text":"x"}]}]}',
    404,
    /No endpoint or provider/,
  ],
  [
    'a guardrail this server cannot apply',
    '/model/local%2Fextractive/converse',
    '{"messages":[{"role":"user","content":[{"text":"x"}]}],"guardrailConfig":{"guardrailIdentifier":"g","guardrailVersion":"1"}}',
    400,
    /guardrailConfig/,
  ],
];

describe('Bedrock surface, bad input', () => {
  it.each(bedrockCases)('refuses %s', async (_name, path, body, status, message) => {
    const response = await post(path, body);
    expect(response.status).toBe(status);
    expect(response.headers.get('x-amzn-errortype')).toBe(
      status === 404 ? 'ResourceNotFoundException' : 'ValidationException',
    );
    expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(response.json.message).toMatch(message);
    await expectHealthy();
  });

  it('refuses a body over the limit with 413, before reading it all', async () => {
    const big = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'x'.repeat(100 * 1024) }] }] });
    const response = await post('/model/local%2Fextractive/converse', big);
    expect(response.status).toBe(413);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    await expectHealthy();
  });

  it('answers unknown Bedrock paths in Bedrock shape', async () => {
    const response = await post('/model/local%2Fextractive/fly', '{}');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });
});

const openaiCases: Array<[string, string, string, number, RegExp]> = [
  ['malformed JSON', '/v1/chat/completions', '{"model":', 400, /not valid JSON/],
  ['no model', '/v1/chat/completions', '{"messages":[{"role":"user","content":"x"}]}', 400, /model/],
  [
    'a bad role',
    '/v1/chat/completions',
    '{"model":"local/extractive","messages":[{"role":"wizard","content":"x"}]}',
    400,
    /messages\.0/,
  ],
  [
    'n > 1',
    '/v1/chat/completions',
    '{"model":"local/extractive","n":3,"messages":[{"role":"user","content":"x"}]}',
    400,
    /n = 1/,
  ],
  [
    'an image URL to fetch',
    '/v1/chat/completions',
    '{"model":"local/extractive","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://169.254.169.254/latest"}}]}]}',
    400,
    /data: URLs/,
  ],
  [
    'tool arguments that are not JSON',
    '/v1/chat/completions',
    '{"model":"local/extractive","messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{oops"}}]}]}',
    400,
    /not valid JSON/,
  ],
  [
    'an unknown model',
    '/v1/chat/completions',
    '{"model":"gpt-17","messages":[{"role":"user","content":"x"}]}',
    404,
    /gpt-17/,
  ],
  [
    'token-array embedding input',
    '/v1/embeddings',
    '{"model":"local/embed","input":[1,2,3]}',
    400,
    /token arrays/,
  ],
  [
    'embeddings on a chat model',
    '/v1/embeddings',
    '{"model":"local/extractive","input":"x"}',
    400,
    /does not support/,
  ],
];

describe('OpenAI surface, bad input', () => {
  it.each(openaiCases)('refuses %s', async (_name, path, body, status, message) => {
    const response = await post(path, body);
    expect(response.status).toBe(status);
    const error = response.json.error as { message: string; type: string; code: unknown };
    expect(error.message).toMatch(message);
    expect(typeof error.type).toBe('string');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    await expectHealthy();
  });

  it('refuses an oversize body with 413 in OpenAI shape', async () => {
    const response = await post(
      '/v1/embeddings',
      JSON.stringify({ model: 'local/embed', input: 'y'.repeat(80 * 1024) }),
    );
    expect(response.status).toBe(413);
    expect((response.json.error as { code: string }).code).toBe('request_too_large');
  });

  it('says 405 for a known path with the wrong method', async () => {
    const response = await fetch(`${lakegate.url}/v1/chat/completions`, {
      headers: { authorization: `Bearer ${TEST_KEY}` },
    });
    expect(response.status).toBe(405);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/not allowed/);
  });
});

describe('authentication comes first', () => {
  it('answers 401 without a key, even for a bad body', async () => {
    const response = await fetch(`${lakegate.url}/v1/chat/completions`, { method: 'POST', body: '{oops' });
    expect(response.status).toBe(401);
  });

  it('does not reveal whether a model exists to an unauthenticated caller', async () => {
    const known = await fetch(`${lakegate.url}/model/local%2Fextractive/converse`, {
      method: 'POST',
      body: '{}',
    });
    const unknown = await fetch(`${lakegate.url}/model/secret%2Fmodel/converse`, {
      method: 'POST',
      body: '{}',
    });
    expect(known.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await known.text()).toBe(await unknown.text());
  });
});

describe('junk on the wire', () => {
  it('survives garbage bytes and a half-sent HTTP/2 preface', async () => {
    for (const junk of [
      '\x00\x01\x02 not http\r\n\r\n',
      'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00',
      'GET / HTTP/1.1\r\nHost',
    ]) {
      await new Promise<void>((resolve) => {
        const socket = connect(lakegate.server.port, '127.0.0.1', () => {
          socket.write(junk);
          setTimeout(() => socket.destroy(), 50);
        });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    }
    await expectHealthy();
  });
});
