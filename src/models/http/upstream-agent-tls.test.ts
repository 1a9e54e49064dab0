// The lean path over TLS: it trusts only the authorities it is given (Node's roots by default), checks
// that the certificate names the address it called, sends nothing before that, and keeps one connection
// for calls in turn.

import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates, type TestCertificates } from '../../../test/support/tls-certificates.js';
import { UpstreamAgent } from './upstream-agent.js';
import { sendUpstreamBuffered } from './upstream-buffered.js';
import { UPSTREAM_AGENT_SETTINGS } from './upstream-http.js';

let certificates: TestCertificates;

beforeAll(() => {
  certificates = makeTestCertificates();
});

afterAll(() => certificates.dispose());

interface TlsServer {
  url: string;
  requests: number;
  connections: number;
  close(): Promise<void>;
}

/** An https server on 127.0.0.1 with a certificate for `altNames`. */
async function tlsServer(altNames: string[]): Promise<TlsServer> {
  const state = { url: '', requests: 0, connections: 0, close: async () => undefined };
  const server: Server = createServer(certificates.issue(altNames), (_req, res) => {
    state.requests++;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('over tls');
  });
  server.on('secureConnection', (_socket: TLSSocket) => {
    state.connections++;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  state.url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return state;
}

const settings = { ...UPSTREAM_AGENT_SETTINGS, connectionsPerOrigin: 8 };

let server: TlsServer | undefined;
let agent: UpstreamAgent | undefined;

afterEach(async () => {
  await agent?.destroy();
  await server?.close();
  agent = undefined;
  server = undefined;
});

const call = (url: string) => ({
  url: `${url}/v1/chat/completions`,
  headers: { 'content-type': 'application/json' },
  body: '{}',
});

describe('UpstreamAgent lean path over TLS', () => {
  it('calls a server whose certificate it trusts, keeping one connection', async () => {
    server = await tlsServer(['IP:127.0.0.1']);
    agent = new UpstreamAgent({ ...settings, tlsCa: certificates.ca });
    for (let i = 0; i < 3; i++) {
      expect(await sendUpstreamBuffered(agent, 'p', call(server.url))).toMatchObject({
        status: 200,
        text: 'over tls',
      });
    }
    expect(server.connections).toBe(1);
  });

  it('refuses a certificate from an authority it does not trust, before sending anything', async () => {
    server = await tlsServer(['IP:127.0.0.1']);
    agent = new UpstreamAgent(settings);
    await expect(sendUpstreamBuffered(agent, 'p', call(server.url))).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_UNAVAILABLE',
      message: expect.stringMatching(/certificate/i),
    });
    expect(server.requests).toBe(0);
  });

  it('refuses a trusted certificate that names another host', async () => {
    server = await tlsServer(['DNS:elsewhere.example']);
    agent = new UpstreamAgent({ ...settings, tlsCa: certificates.ca });
    await expect(sendUpstreamBuffered(agent, 'p', call(server.url))).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_UNAVAILABLE',
      message: expect.stringMatching(/altnames|certificate/i),
    });
    expect(server.requests).toBe(0);
  });
});
