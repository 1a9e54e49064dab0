import { describe, expect, it } from 'vitest';
import { isSecretKey, REDACTED, redactParams, scrubString } from './redact-params.js';

const TOKEN = 'lg0123456789ABCDEF.my-long-secret-of-20-chars-or-more';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('redactParams', () => {
  it('redacts secret-named keys at any depth, in objects and arrays', () => {
    const out = redactParams({
      password: 'hunter2',
      nested: { deeper: [{ api_key: 'k1' }, { 'X-Api-Key': 'k2' }], clientSecret: 's1' },
      Authorization: 'Basic Zm9vOmJhcg==',
      sealed_secret: 'v1.sealed',
      aws_credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' },
      private_key: 'pk',
      refresh_token: 'rt',
      apiKey: 'k3',
      cookie: 'session=1',
    });
    const text = JSON.stringify(out);
    for (const secret of [
      'hunter2',
      'k1',
      'k2',
      's1',
      'Zm9vOmJhcg',
      'v1.sealed',
      'AKIAEXAMPLE',
      'pk',
      'rt',
      'k3',
      'session=1',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(out).toMatchObject({
      password: REDACTED,
      nested: { deeper: [{ api_key: REDACTED }, { 'X-Api-Key': REDACTED }], clientSecret: REDACTED },
      aws_credentials: REDACTED,
    });
  });

  it('keeps keys that only look similar: token counts, tokenizers, tag keys, key ids', () => {
    const params = {
      max_tokens: 100,
      inputTokens: 5,
      tokenizer: 'bpe',
      tag_key: 'pii',
      key_id: 'lgABC',
      name: 'x',
    };
    expect(redactParams(params)).toEqual(params);
    expect(isSecretKey('session_token')).toBe(true);
    expect(isSecretKey('x-amz-security-token')).toBe(true);
  });

  it('redacts secret-looking values wherever they appear, keeping the public key id', () => {
    const out = redactParams({
      note: `called with ${TOKEN} by mistake`,
      header: `Bearer ${TOKEN}`,
      list: [AWS_SECRET, 'Bearer abcdefghijklmnop'],
      jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      pem: '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
      url: 'postgres://app:s3cr3tpw@db.internal:5432/lakegate',
      sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    });
    const text = JSON.stringify(out);
    for (const secret of [
      'my-long-secret',
      AWS_SECRET,
      'abcdefghijklmnop',
      'SflKxwRJSMeK',
      'MIIEow',
      's3cr3tpw',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(out['note']).toBe(`called with lg0123456789ABCDEF.${REDACTED} by mistake`);
    expect(out['url']).toBe(`postgres://app:${REDACTED}@db.internal:5432/lakegate`);
    // A lower-case hex digest is 40 characters too, and is not a secret.
    expect(out['sha1']).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  it('scrubs object keys too: a token used as a key does not leak', () => {
    const out = redactParams({ [TOKEN]: 1 });
    expect(JSON.stringify(out)).not.toContain('my-long-secret');
  });

  it('is canonical: the same content in another key order gives the same text', () => {
    expect(JSON.stringify(redactParams({ b: 1, a: { d: 2, c: [3] } }))).toBe(
      JSON.stringify(redactParams({ a: { c: [3], d: 2 }, b: 1 })),
    );
    expect(JSON.stringify(redactParams({ b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
  });

  it('never throws: cycles, bigints, dates, undefined, non-finite numbers and throwing getters', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const shared = { x: 1 };
    expect(
      redactParams({
        cyclic,
        twice: [shared, shared],
        big: 10n,
        when: new Date('2024-05-01T00:00:00Z'),
        gone: undefined,
        nan: Number.NaN,
        bytes: new Uint8Array(3),
      }),
    ).toEqual({
      cyclic: { name: 'loop', self: '[CIRCULAR]' },
      twice: [{ x: 1 }, { x: 1 }],
      big: '10',
      when: '2024-05-01T00:00:00.000Z',
      nan: null,
      bytes: '[binary 3 bytes]',
    });
    const hostile = {
      get boom(): string {
        throw new Error(`secret ${TOKEN}`);
      },
    };
    expect(redactParams(hostile)).toEqual({ _unserializable: true });
  });

  it('bounds huge values', () => {
    const out = redactParams({ text: 'x'.repeat(10_000), list: Array.from({ length: 1500 }, (_, i) => i) });
    expect((out['text'] as string).length).toBeLessThan(4200);
    expect((out['list'] as unknown[]).length).toBe(1001);
  });

  it('scrubString finds each kind of secret alone in a string, whatever the case of the scheme', () => {
    // The quick pre-test must let through every string some rule would change.
    expect(scrubString(AWS_SECRET)).toBe(REDACTED);
    expect(scrubString(`key: ${AWS_SECRET};`)).toBe(`key: ${REDACTED};`);
    expect(scrubString('BEARER abcdefghijklmnop')).toBe(`BEARER ${REDACTED}`);
    expect(scrubString('basic dXNlcjpwYXNzd29yZA==')).toBe(`basic ${REDACTED}`);
    expect(scrubString(TOKEN)).toBe(`lg0123456789ABCDEF.${REDACTED}`);
    expect(scrubString('mysql://root:hunter22@db')).toBe(`mysql://root:${REDACTED}@db`);
  });

  it('scrubString leaves ordinary text alone', () => {
    expect(scrubString('main.claims.raw')).toBe('main.claims.raw');
    expect(scrubString('SELECT * FROM t WHERE id = 1')).toBe('SELECT * FROM t WHERE id = 1');
  });
});
