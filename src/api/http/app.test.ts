// The pipeline authenticates through the identity store's verifier and hands the route the catalog actor,
// stamped with the request id; anything the verifier does not vouch for is a 401 before the handler runs.

import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../catalog/index.js';
import type { KeyVerifier } from '../auth/authenticate.js';
import { type ListeningServer, listen } from '../server/listen.js';
import { createPipeline } from './app.js';
import { sendJson } from './respond.js';
import { RouteTable, type Surface } from './route.js';

const ANA: Actor = {
  principalId: 'pr_ana',
  name: 'ana',
  kind: 'user',
  isAdmin: false,
  keyId: 'lgANAKEY000000000',
};
const TOKEN = 'lgANAKEY000000000.secret-of-twenty-chars-or-more';

const surface: Surface = {
  name: 'test',
  writeError: (ctx, error) => sendJson(ctx.res, error.status, { error_code: error.code }),
};

let server: ListeningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(keys: KeyVerifier, handled: string[]): Promise<string> {
  const routes = new RouteTable().add({
    method: 'GET',
    path: '/whoami',
    surface,
    handle: (ctx) => {
      handled.push(ctx.requestId);
      sendJson(ctx.res, 200, { principal: ctx.principal ?? null, requestId: ctx.requestId });
    },
  });
  const pipeline = createPipeline({ routes, keys, maxBodyBytes: 1024, surfaceForUnmatched: () => surface });
  server = await listen('127.0.0.1', 0, pipeline);
  return server.url;
}

const verifier: KeyVerifier = {
  verifyBearer: async (token) => (token === TOKEN ? { ...ANA } : undefined),
  sigV4Secret: async () => undefined,
};

describe('createPipeline authentication', () => {
  it('gives the handler the actor the verifier vouched for, with the request id', async () => {
    const handled: string[] = [];
    const url = await serve(verifier, handled);
    const ways: Record<string, string>[] = [{ authorization: `Bearer ${TOKEN}` }, { 'x-api-key': TOKEN }];
    for (const headers of ways) {
      const response = await fetch(`${url}/whoami`, { headers });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { principal: Actor; requestId: string };
      expect(body.principal).toEqual({ ...ANA, requestId: body.requestId });
    }
    expect(handled).toHaveLength(2);
  });

  it('answers 401 without running the handler for no key, a wrong key, or an unknown SigV4 key', async () => {
    const handled: string[] = [];
    const url = await serve(verifier, handled);
    const sigv4 =
      'AWS4-HMAC-SHA256 Credential=lgANAKEY000000000/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=' +
      '0'.repeat(64);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer lgANAKEY000000000.wrong-secret-of-twenty-chars' },
      { authorization: sigv4, 'x-amz-date': '20250101T000000Z' },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${url}/whoami`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error_code: 'AUTH_UNAUTHENTICATED' });
    }
    expect(handled).toEqual([]);
  });

  it('turns a verifier failure into a 500, not a pass', async () => {
    const handled: string[] = [];
    const url = await serve(
      {
        verifyBearer: async () => {
          throw new Error('store down');
        },
        sigV4Secret: async () => undefined,
      },
      handled,
    );
    const response = await fetch(`${url}/whoami`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(500);
    expect(handled).toEqual([]);
  });
});
