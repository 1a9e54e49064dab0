import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/support/scripted-server.js';
import { type ConverseRequest, LakegateError } from '../../core/index.js';
import { createBedrockProvider } from './index.js';
import { coralType, scriptedBedrock } from './test-support.js';

const REQUEST: ConverseRequest = {
  modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
};
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

const bedrock = scriptedBedrock((url) => ({ endpoint: url, credentials: CREDENTIALS }));

async function failure(promise: Promise<unknown>): Promise<LakegateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof LakegateError)) throw new Error(`expected a LakegateError, got ${String(error)}`);
  return error;
}

describe('Bedrock error responses', () => {
  it('maps 429 ThrottlingException with retry-after to a retryable MODEL_UPSTREAM_THROTTLED', async () => {
    bedrock.server.enqueue({
      status: 429,
      headers: {
        'content-type': 'application/json',
        'x-amzn-errortype': coralType('ThrottlingException'),
        'retry-after': '2',
      },
      body: await readFixture(new URL('./fixtures/error-throttling.json', import.meta.url)),
    });

    const error = await failure(bedrock.provider.converse(REQUEST));

    expect(error.code).toBe('MODEL_UPSTREAM_THROTTLED');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(2000);
    expect(error.upstreamStatus).toBe(429);
    expect(error.details).toEqual({ provider: 'bedrock', status: 429, errorType: 'ThrottlingException' });
    expect(error.message).toContain('Too many requests, please wait before trying again.');
  });

  it.each([
    [400, 'ValidationException', 'MODEL_UPSTREAM_REJECTED', false],
    [403, 'AccessDeniedException', 'MODEL_UPSTREAM_AUTH', false],
    [404, 'ResourceNotFoundException', 'MODEL_NOT_FOUND', false],
    [408, 'ModelTimeoutException', 'MODEL_UPSTREAM_TIMEOUT', true],
    [429, 'ModelNotReadyException', 'MODEL_UPSTREAM_THROTTLED', true],
    [424, 'ModelErrorException', 'MODEL_UPSTREAM_ERROR', true],
    [500, 'InternalServerException', 'MODEL_UPSTREAM_ERROR', true],
    [503, 'ServiceUnavailableException', 'MODEL_UPSTREAM_UNAVAILABLE', true],
  ])('maps %i %s to %s (retryable %s)', async (status, errorType, code, retryable) => {
    bedrock.server.enqueue({
      status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': coralType(errorType) },
      body: { message: `${errorType} happened` },
    });

    const error = await failure(bedrock.provider.converse(REQUEST));

    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.upstreamStatus).toBe(status);
    expect(error.details['errorType']).toBe(errorType);
    expect(error.message).toContain(`${errorType} happened`);
  });

  it('reads the error type from the body __type when the header is missing', async () => {
    bedrock.server.enqueue({
      status: 400,
      body: JSON.parse(await readFixture(new URL('./fixtures/error-validation.json', import.meta.url))),
    });
    bedrock.server.enqueue({
      status: 400,
      body: { __type: 'com.amazon.coral.validate#ValidationException', message: 'Malformed input request' },
    });

    const withoutType = await failure(bedrock.provider.converse(REQUEST));
    const withType = await failure(bedrock.provider.converse(REQUEST));

    expect(withoutType.code).toBe('MODEL_UPSTREAM_REJECTED');
    expect(withoutType.details['errorType']).toBeUndefined();
    expect(withoutType.message).toContain('roles must alternate');
    expect(withType.details['errorType']).toBe('ValidationException');
    expect(withType.message).toContain('Malformed input request');
  });

  it('maps a 502 HTML page from a proxy by status alone', async () => {
    bedrock.server.enqueue({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html>Bad Gateway</html>',
    });
    const error = await failure(bedrock.provider.converse(REQUEST));
    expect(error.code).toBe('MODEL_UPSTREAM_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.details).toEqual({ provider: 'bedrock', status: 502 });
  });

  it('maps a connection reset before the answer to a retryable MODEL_UPSTREAM_UNAVAILABLE', async () => {
    bedrock.server.enqueue({ reset: true });
    const error = await failure(bedrock.provider.converse(REQUEST));
    expect(error.code).toBe('MODEL_UPSTREAM_UNAVAILABLE');
    expect(error.retryable).toBe(true);
  });

  it('rejects converseStream itself when the upstream refuses before the first byte', async () => {
    bedrock.server.enqueue({
      status: 429,
      headers: { 'x-amzn-errortype': coralType('ThrottlingException'), 'retry-after': '1' },
      body: { message: 'Too many requests' },
    });
    const error = await failure(bedrock.provider.converseStream(REQUEST));
    expect(error.code).toBe('MODEL_UPSTREAM_THROTTLED');
    expect(error.retryAfterMs).toBe(1000);
  });

  it('maps errors of the other operations the same way', async () => {
    bedrock.server.enqueue(
      {
        status: 503,
        headers: { 'x-amzn-errortype': coralType('ServiceUnavailableException') },
        body: { message: 'x' },
      },
      {
        status: 404,
        headers: { 'x-amzn-errortype': coralType('ResourceNotFoundException') },
        body: { message: 'y' },
      },
    );
    const embed = await failure(
      bedrock.provider.embed!({ modelId: 'amazon.titan-embed-text-v2:0', inputs: ['a'] }),
    );
    const count = await failure(bedrock.provider.countTokens!(REQUEST));
    expect(embed.code).toBe('MODEL_UPSTREAM_UNAVAILABLE');
    expect(count.code).toBe('MODEL_NOT_FOUND');
  });
});

describe('configuration', () => {
  it('requires credentials or a bearer token', () => {
    expect(() => createBedrockProvider({ name: 'bedrock', region: 'us-east-1' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it.each([
    [{ region: '' }],
    [{ embedConcurrency: 0 }],
    [{ embedConcurrency: 2.5 }],
    [{ endpoint: 'not a url' }],
    [{ credentials: { accessKeyId: '', secretAccessKey: 'x' } }],
  ])('rejects %j', (override) => {
    expect(() =>
      createBedrockProvider({ name: 'bedrock', region: 'us-east-1', credentials: CREDENTIALS, ...override }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('lists the configured models', async () => {
    const listed = createBedrockProvider({
      name: 'bedrock',
      region: 'us-east-1',
      bearerToken: 'key',
      models: ['anthropic.claude-3-haiku-20240307-v1:0'],
    });
    expect(listed.listModels?.()).toEqual(['anthropic.claude-3-haiku-20240307-v1:0']);
    expect(listed.name).toBe('bedrock');
    await listed.close?.();
  });
});
