import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordedRequest,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import type { ConverseRequest } from '../../core/index.js';
import { createBedrockProvider } from './index.js';
import { NodeSha256 } from './node-sha256.js';

const ARN =
  'arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0';
const ARN_PATH =
  '/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse';
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN//////////wEaCXVzLWVhc3QtMQ==',
};
const OK = {
  output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  metrics: { latencyMs: 5 },
};

function request(modelId: string): ConverseRequest {
  return {
    modelId,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise claim CLM-1042' }] }],
  };
}

function header(recorded: RecordedRequest, name: string): string {
  const value = recorded.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

// SigV4 rebuilt from the specification with node:crypto, independent of the signing library.
function rfc3986(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function parseAuthorization(value: string) {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      value,
    );
  if (!match) throw new Error(`not a SigV4 authorization: ${value}`);
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders!.split(';'), signature };
}

function canonicalRequest(recorded: RecordedRequest, signedHeaders: string[], body: Buffer): string {
  const [path = '', query = ''] = recorded.url.split('?');
  // Non-S3 services sign the path as received, percent-encoded once more.
  const canonicalUri = path.split('/').map(rfc3986).join('/');
  const canonicalQuery = query.split('&').filter(Boolean).sort().join('&');
  const canonicalHeaders = signedHeaders.map(
    (name) => `${name}:${header(recorded, name).trim().replace(/\s+/g, ' ')}\n`,
  );
  return [
    recorded.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders.join(''),
    signedHeaders.join(';'),
    createHash('sha256').update(body).digest('hex'),
  ].join('\n');
}

function expectedSignature(recorded: RecordedRequest, secret: string, body: Buffer = recorded.body): string {
  const auth = parseAuthorization(header(recorded, 'authorization'));
  const amzDate = header(recorded, 'x-amz-date');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256')
      .update(canonicalRequest(recorded, auth.signedHeaders, body))
      .digest('hex'),
  ].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(auth.date!).digest();
  for (const part of [auth.region!, auth.service!, 'aws4_request'])
    key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

let server: ScriptedServer;

beforeEach(async () => {
  server = await startScriptedServer();
});

afterEach(async () => {
  await server.close();
});

describe('SigV4', () => {
  it('signs method, host, double-encoded ARN path, headers and body so that the signature verifies', async () => {
    const provider = createBedrockProvider({
      name: 'bedrock',
      region: 'us-west-2',
      endpoint: server.url,
      credentials: CREDENTIALS,
      headers: { 'X-Amzn-Bedrock-Trace': 'ENABLED' },
    });
    server.enqueue({ body: OK });
    await provider.converse(request(ARN));
    await provider.close?.();

    const recorded = server.lastRequest();
    expect(recorded.url).toBe(ARN_PATH);
    const auth = parseAuthorization(header(recorded, 'authorization'));
    expect(auth).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', region: 'us-west-2', service: 'bedrock' });
    expect(auth.signedHeaders).toEqual(
      expect.arrayContaining([
        'accept',
        'content-type',
        'host',
        'x-amz-content-sha256',
        'x-amz-date',
        'x-amz-security-token',
        'x-amzn-bedrock-trace',
      ]),
    );
    expect(header(recorded, 'host')).toBe(new URL(server.url).host);
    expect(header(recorded, 'x-amz-security-token')).toBe(CREDENTIALS.sessionToken);
    expect(header(recorded, 'x-amzn-bedrock-trace')).toBe('ENABLED');
    expect(header(recorded, 'x-amz-content-sha256')).toBe(
      createHash('sha256').update(recorded.body).digest('hex'),
    );
    expect(header(recorded, 'x-amz-date').slice(0, 8)).toBe(auth.date);
    expect(canonicalRequest(recorded, auth.signedHeaders, recorded.body).split('\n')[1]).toBe(
      '/model/arn%253Aaws%253Abedrock%253Aus-west-2%253A123456789012%253Ainference-profile%252Fus.anthropic.claude-3-7-sonnet-20250219-v1%253A0/converse',
    );

    expect(auth.signature).toBe(expectedSignature(recorded, CREDENTIALS.secretAccessKey));
    // The verifier must be able to fail: a changed body or the wrong secret does not verify.
    expect(auth.signature).not.toBe(
      expectedSignature(recorded, CREDENTIALS.secretAccessKey, Buffer.from('{}')),
    );
    expect(auth.signature).not.toBe(expectedSignature(recorded, 'another-secret'));
  });

  it('produces the signature a second SignatureV4 computes over the received request', async () => {
    const provider = createBedrockProvider({
      name: 'bedrock',
      region: 'us-west-2',
      endpoint: server.url,
      credentials: CREDENTIALS,
    });
    server.enqueue({ body: OK });
    await provider.converse(request(ARN));
    await provider.close?.();

    const recorded = server.lastRequest();
    const auth = parseAuthorization(header(recorded, 'authorization'));
    const url = new URL(recorded.url, server.url);
    const amzDate = header(recorded, 'x-amz-date');
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const headers = Object.fromEntries(
      auth.signedHeaders
        .filter((name) => name !== 'x-amz-date' && name !== 'x-amz-security-token')
        .map((name) => [name, header(recorded, name)]),
    );
    const verifier = new SignatureV4({
      service: 'bedrock',
      region: 'us-west-2',
      sha256: NodeSha256,
      credentials: CREDENTIALS,
    });
    const resigned = await verifier.sign(
      {
        method: recorded.method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: {},
        headers,
        body: recorded.body.toString('utf8'),
      },
      { signingDate },
    );

    expect(resigned.headers['authorization']).toBe(header(recorded, 'authorization'));
  });
});

describe('bearer token', () => {
  it('sends the Bedrock API key as Authorization: Bearer instead of signing', async () => {
    const provider = createBedrockProvider({
      name: 'bedrock',
      region: 'us-east-1',
      endpoint: server.url,
      credentials: CREDENTIALS,
      bearerToken: 'ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl',
    });
    server.enqueue({ body: OK });
    await provider.converse(request('amazon.nova-pro-v1:0'));
    await provider.close?.();

    const recorded = server.lastRequest();
    expect(recorded.url).toBe('/model/amazon.nova-pro-v1%3A0/converse');
    expect(header(recorded, 'authorization')).toBe('Bearer ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl');
    expect(recorded.headers['x-amz-date']).toBeUndefined();
    expect(recorded.headers['x-amz-security-token']).toBeUndefined();
  });
});

describe('default endpoint', () => {
  it('calls bedrock-runtime.{region}.amazonaws.com through the given agent', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    let seenHost = '';
    agent
      .get('https://bedrock-runtime.eu-central-1.amazonaws.com')
      .intercept({ path: '/model/amazon.nova-lite-v1%3A0/converse', method: 'POST' })
      .reply((options) => {
        seenHost = String((options.headers as Record<string, string>)['host']);
        return {
          statusCode: 200,
          data: JSON.stringify(OK),
          responseOptions: { headers: { 'content-type': 'application/json' } },
        };
      })
      .times(2);
    const provider = createBedrockProvider({
      name: 'bedrock',
      region: 'eu-central-1',
      credentials: CREDENTIALS,
      agent,
    });

    const response = await provider.converse(request('amazon.nova-lite-v1:0'));
    await provider.close?.();

    expect(response.output.message.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(seenHost).toBe('bedrock-runtime.eu-central-1.amazonaws.com');
    // close() leaves an agent it was given alone: it still carries calls.
    await expect(provider.converse(request('amazon.nova-lite-v1:0'))).resolves.toMatchObject({
      stopReason: 'end_turn',
    });
    await agent.close();
  });
});
