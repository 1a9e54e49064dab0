// verifySigV4 against an independent signer: Smithy's SignatureV4, the one inside the AWS SDK. Each case
// signs a request the way a client would, then hands the verifier the request as the server receives it
// (raw path and query, Node's lower-cased headers). The failing cases are attempts to pass a request off
// as signed when it is not.

import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { NodeSha256 } from '../../models/bedrock/node-sha256.js';
import {
  MAX_CLOCK_SKEW_MS,
  parseSigV4Authorization,
  type SigV4Authorization,
  type SigV4Request,
  verifySigV4,
} from './sigv4-verify.js';

const KEY_ID = 'lgSIGV4TEST0000000';
const SECRET = 'sigv4-secret-0123456789abcdefghij';
const SIGNED_AT = new Date('2025-03-14T09:26:53Z');
const SIGNED_AT_MS = SIGNED_AT.getTime();
const ARN_PATH =
  '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse';

interface SignInput {
  method?: string;
  /** The path as it goes on the wire (already percent-encoded where the client encodes). */
  path?: string;
  /** The query as the signer sees it: decoded names and values. */
  query?: Record<string, string | string[]>;
  /** The same query as it goes on the wire. */
  rawQuery?: string;
  headers?: Record<string, string>;
  body?: string;
  secret?: string;
  region?: string;
  service?: string;
  sessionToken?: string;
  applyChecksum?: boolean;
}

interface Signed {
  request: SigV4Request;
  auth: SigV4Authorization;
  authorization: string;
}

async function sign(input: SignInput = {}): Promise<Signed> {
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: KEY_ID,
      secretAccessKey: input.secret ?? SECRET,
      ...(input.sessionToken ? { sessionToken: input.sessionToken } : {}),
    },
    region: input.region ?? 'us-east-1',
    service: input.service ?? 'bedrock',
    sha256: NodeSha256,
    applyChecksum: input.applyChecksum ?? true,
  });
  const body = input.body ?? '{"messages":[{"role":"user","content":[{"text":"hi"}]}]}';
  const signed = await signer.sign(
    {
      method: input.method ?? 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8080,
      path: input.path ?? ARN_PATH,
      query: input.query ?? {},
      headers: { host: '127.0.0.1:8080', 'content-type': 'application/json', ...input.headers },
      body,
    },
    { signingDate: SIGNED_AT },
  );
  // What Node hands the server: lower-cased header names.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  const authorization = headers['authorization'];
  if (!authorization) throw new Error('the signer did not sign');
  const auth = parseSigV4Authorization(authorization);
  if (!auth) throw new Error(`unparsable Authorization: ${authorization}`);
  return {
    request: {
      method: signed.method,
      rawPath: input.path ?? ARN_PATH,
      rawQuery: input.rawQuery ?? '',
      headers,
      body: Buffer.from(body),
    },
    auth,
    authorization,
  };
}

function verify(signed: Signed, now = SIGNED_AT_MS, secret = SECRET) {
  return verifySigV4(signed.request, signed.auth, secret, now);
}

function failure(result: ReturnType<typeof verifySigV4>): string {
  if (result.ok) throw new Error('expected the verification to fail');
  return result.reason;
}

describe('verifySigV4 accepts what the AWS SDK signer signs', () => {
  it('a POST to a path with a percent-encoded ARN (%3A, %2F)', async () => {
    const signed = await sign();
    expect(signed.auth.signedHeaders).toContain('host');
    expect(verify(signed)).toEqual({ ok: true });
  });

  it('a path with ":" and "/" sent unencoded inside the model id', async () => {
    expect(
      verify(await sign({ path: '/model/us.anthropic.claude-3-5-haiku-20241022-v1:0/converse' })),
    ).toEqual({ ok: true });
  });

  it('a query string, with encoded values, repeated names and names out of order', async () => {
    const signed = await sign({
      method: 'GET',
      path: '/foundation-models',
      query: { byProvider: 'anthropic', a: ['2', '1'], note: 'a b/c+d' },
      rawQuery: 'byProvider=anthropic&note=a%20b%2Fc%2Bd&a=2&a=1',
      body: '',
    });
    expect(verify(signed)).toEqual({ ok: true });
  });

  it('an HTTP/2 request, where the signed host arrives as :authority', async () => {
    const signed = await sign();
    const { host, ...rest } = signed.request.headers;
    signed.request.headers = { ...rest, ':authority': host, ':method': 'POST', ':path': ARN_PATH };
    expect(signed.request.headers['host']).toBeUndefined();
    expect(verify(signed)).toEqual({ ok: true });
  });

  it('with x-amz-content-sha256 present and signed', async () => {
    const signed = await sign();
    expect(signed.request.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(signed.auth.signedHeaders).toContain('x-amz-content-sha256');
    expect(verify(signed)).toEqual({ ok: true });
  });

  it('without x-amz-content-sha256 (the body hash is still part of the signature)', async () => {
    const signed = await sign({ applyChecksum: false });
    expect(signed.request.headers['x-amz-content-sha256']).toBeUndefined();
    expect(verify(signed)).toEqual({ ok: true });
  });

  it('with a session token, which is signed as x-amz-security-token', async () => {
    const signed = await sign({ sessionToken: 'FwoGZXIvYXdzEBYaDOrSessionToken' });
    expect(signed.auth.signedHeaders).toContain('x-amz-security-token');
    expect(verify(signed)).toEqual({ ok: true });
  });

  it('in any region, for the region and service the credential scope names', async () => {
    const signed = await sign({ region: 'eu-central-1', service: 'bedrock' });
    expect(signed.auth).toMatchObject({ region: 'eu-central-1', service: 'bedrock', date: '20250314' });
    expect(verify(signed)).toEqual({ ok: true });
  });

  it('within the allowed clock skew on either side', async () => {
    const signed = await sign();
    expect(verify(signed, SIGNED_AT_MS + MAX_CLOCK_SKEW_MS - 1000)).toEqual({ ok: true });
    expect(verify(signed, SIGNED_AT_MS - MAX_CLOCK_SKEW_MS + 1000)).toEqual({ ok: true });
  });
});

describe('verifySigV4 refuses a request that was not signed as received', () => {
  it('a tampered body', async () => {
    const signed = await sign({ applyChecksum: false });
    signed.request.body = Buffer.from('{"messages":[{"role":"user","content":[{"text":"HI"}]}]}');
    expect(failure(verify(signed))).toMatch(/signature does not match/);
  });

  it('a tampered body whose x-amz-content-sha256 was updated to match it', async () => {
    const signed = await sign();
    const forged = '{"forged":true}';
    signed.request.body = Buffer.from(forged);
    signed.request.headers['x-amz-content-sha256'] = (await sha256Hex(forged)) as string;
    expect(failure(verify(signed))).toMatch(/signature does not match/);
  });

  it('an x-amz-content-sha256 that lies about the body', async () => {
    const lie = await sha256Hex('some other body');
    const signed = await sign({ headers: { 'x-amz-content-sha256': lie } });
    expect(failure(verify(signed))).toMatch(/x-amz-content-sha256 does not match the body/);
  });

  it('an UNSIGNED-PAYLOAD declaration (the body must always be covered)', async () => {
    const signed = await sign({ headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect(verify(signed).ok).toBe(false);
  });

  it('a tampered path: another model', async () => {
    const signed = await sign();
    signed.request.rawPath = ARN_PATH.replace('haiku', 'opus');
    expect(failure(verify(signed))).toMatch(/signature does not match/);
  });

  it('a tampered path: the same model id with its encoding changed', async () => {
    const signed = await sign();
    signed.request.rawPath = ARN_PATH.replace('%3A', ':');
    expect(verify(signed).ok).toBe(false);
  });

  it('a tampered path: another operation', async () => {
    const signed = await sign();
    signed.request.rawPath = ARN_PATH.replace(/converse$/, 'converse-stream');
    expect(verify(signed).ok).toBe(false);
  });

  it('a tampered query', async () => {
    const signed = await sign({ query: { limit: '1' }, rawQuery: 'limit=1' });
    expect(verify(signed)).toEqual({ ok: true });
    signed.request.rawQuery = 'limit=1000';
    expect(failure(verify(signed))).toMatch(/signature does not match/);
    signed.request.rawQuery = 'limit=1&extra=1';
    expect(verify(signed).ok).toBe(false);
  });

  it('a tampered method', async () => {
    const signed = await sign();
    signed.request.method = 'PUT';
    expect(verify(signed).ok).toBe(false);
  });

  it('a tampered signed header', async () => {
    const signed = await sign();
    signed.request.headers['content-type'] = 'text/plain';
    expect(failure(verify(signed))).toMatch(/signature does not match/);
  });

  it('a tampered host, and a tampered :authority over HTTP/2', async () => {
    const h1 = await sign();
    h1.request.headers['host'] = 'evil.example:8080';
    expect(verify(h1).ok).toBe(false);

    const h2 = await sign();
    const { host: _host, ...rest } = h2.request.headers;
    h2.request.headers = { ...rest, ':authority': 'evil.example:8080' };
    expect(verify(h2).ok).toBe(false);
  });

  it('a tampered session token', async () => {
    const signed = await sign({ sessionToken: 'token-one' });
    signed.request.headers['x-amz-security-token'] = 'token-two';
    expect(verify(signed).ok).toBe(false);
  });

  it('a signed header that was removed', async () => {
    const signed = await sign();
    delete signed.request.headers['content-type'];
    expect(failure(verify(signed))).toMatch(/signed header content-type is missing/);
  });

  it('a signed header dropped from the SignedHeaders list (and from the request)', async () => {
    const signed = await sign();
    signed.auth.signedHeaders = signed.auth.signedHeaders.filter((h) => h !== 'content-type');
    delete signed.request.headers['content-type'];
    expect(failure(verify(signed))).toMatch(/signature does not match/);
  });

  it('the wrong secret', async () => {
    const signed = await sign({ secret: 'not-the-secret-0123456789abcdef' });
    expect(failure(verify(signed))).toMatch(/signature does not match/);
    // And the other way round: a correct signature checked against another key's secret.
    expect(verify(await sign(), SIGNED_AT_MS, 'not-the-secret-0123456789abcdef').ok).toBe(false);
  });

  it('a credential scope rewritten to another region or service', async () => {
    const regional = await sign({ region: 'us-east-1' });
    regional.auth = { ...regional.auth, region: 'eu-west-1' };
    expect(failure(verify(regional))).toMatch(/signature does not match/);

    const service = await sign({ service: 'bedrock' });
    service.auth = { ...service.auth, service: 's3' };
    expect(failure(verify(service))).toMatch(/signature does not match/);
  });

  it('a credential scope whose date is not the date of x-amz-date', async () => {
    const signed = await sign();
    signed.auth = { ...signed.auth, date: '20250315' };
    expect(failure(verify(signed))).toMatch(/does not match the credential scope/);
  });

  it('an x-amz-date moved within the same day (it is part of the string to sign)', async () => {
    const signed = await sign();
    signed.request.headers['x-amz-date'] = '20250314T092700Z';
    expect(failure(verify(signed))).toMatch(/signature does not match/);
  });

  it('a missing or malformed x-amz-date', async () => {
    const missing = await sign();
    delete missing.request.headers['x-amz-date'];
    expect(failure(verify(missing))).toMatch(/no x-amz-date/);

    const malformed = await sign();
    malformed.request.headers['x-amz-date'] = '2025-03-14T09:26:53Z';
    expect(verify(malformed).ok).toBe(false);
  });

  it('a clock skew over 15 minutes, in the past or the future (a replay)', async () => {
    const signed = await sign();
    expect(failure(verify(signed, SIGNED_AT_MS + MAX_CLOCK_SKEW_MS + 1000))).toMatch(/clock skew/);
    expect(failure(verify(signed, SIGNED_AT_MS - MAX_CLOCK_SKEW_MS - 1000))).toMatch(/clock skew/);
    expect(failure(verify(signed, SIGNED_AT_MS + 24 * 3600_000))).toMatch(/clock skew/);
  });

  it('a signature that does not cover the host', async () => {
    // A real signer told not to sign host: the signature is valid, but could be replayed to another host.
    const signer = new SignatureV4({
      credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
      region: 'us-east-1',
      service: 'bedrock',
      sha256: NodeSha256,
    });
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: ARN_PATH,
        headers: { host: '127.0.0.1:8080', 'content-type': 'application/json' },
        body: '{}',
      },
      { signingDate: SIGNED_AT, unsignableHeaders: new Set(['host']) },
    );
    const auth = parseSigV4Authorization(signed.headers['authorization']!)!;
    expect(auth.signedHeaders).not.toContain('host');
    const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const result = verifySigV4(
      { method: 'POST', rawPath: ARN_PATH, rawQuery: '', headers, body: Buffer.from('{}') },
      auth,
      SECRET,
      SIGNED_AT_MS,
    );
    expect(failure(result)).toMatch(/host header must be signed/);
  });

  it('signed header names that are not headers of the request (no prototype lookups)', async () => {
    for (const name of ['__proto__', 'constructor', 'tostring', 'hasownproperty']) {
      const signed = await sign();
      signed.auth = { ...signed.auth, signedHeaders: [...signed.auth.signedHeaders, name].sort() };
      // A plain object, as Node's IncomingMessage.headers is.
      signed.request.headers = { ...signed.request.headers };
      expect(failure(verify(signed))).toMatch(new RegExp(`signed header ${name} is missing`));
    }
  });
});

describe('parseSigV4Authorization', () => {
  it('reads what the SDK signer writes', async () => {
    const { authorization } = await sign({ sessionToken: 'abc' });
    expect(parseSigV4Authorization(authorization)).toEqual({
      accessKeyId: KEY_ID,
      date: '20250314',
      region: 'us-east-1',
      service: 'bedrock',
      signedHeaders: ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'],
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  const signature = 'a'.repeat(64);
  const good = `AWS4-HMAC-SHA256 Credential=${KEY_ID}/20250314/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`;

  it('accepts the canonical form', () => {
    expect(parseSigV4Authorization(good)?.signedHeaders).toEqual(['host', 'x-amz-date']);
  });

  it.each([
    ['empty', ''],
    ['another scheme', good.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512')],
    ['a bearer token', `Bearer ${KEY_ID}.secret`],
    ['no Credential', good.replace(/Credential=[^,]+, /, '')],
    ['no SignedHeaders', good.replace(/SignedHeaders=[^,]+, /, '')],
    ['no Signature', good.replace(/, Signature=.*$/, '')],
    ['a short scope', good.replace('/us-east-1/bedrock/aws4_request', '/us-east-1/aws4_request')],
    ['a scope not ending in aws4_request', good.replace('aws4_request', 'aws5_request')],
    ['a date that is not 8 digits', good.replace('20250314', '2025-03-14')],
    ['a short signature', good.replace(signature, 'a'.repeat(63))],
    ['a signature that is not lower-case hex', good.replace(signature, 'A'.repeat(64))],
    ['trailing parameters', `${good}, Extra=1`],
  ])('refuses %s', (_name, value) => {
    expect(parseSigV4Authorization(value)).toBeUndefined();
  });
});

async function sha256Hex(text: string): Promise<string> {
  const hash = new NodeSha256();
  hash.update(Buffer.from(text));
  return Buffer.from(await hash.digest()).toString('hex');
}
