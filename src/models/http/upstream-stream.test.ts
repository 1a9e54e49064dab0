// The dispatch-based upstream calls behave as sendUpstream + Readable did: whole bodies, error answers
// read as text, failures classified, signals honoured, slow readers pausing the connection, and a
// reader that stops early aborting the request.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ScriptedServer, startScriptedServer } from '../../../test/support/scripted-server.js';
import type { UpstreamAgent } from './upstream-agent.js';
import { sendUpstreamBuffered } from './upstream-buffered.js';
import { createUpstreamAgent } from './upstream-http.js';
import { sendUpstreamStream } from './upstream-stream.js';

let server: ScriptedServer;
let agent: UpstreamAgent;

beforeAll(async () => {
  server = await startScriptedServer();
  agent = createUpstreamAgent();
});

afterEach(() => {
  server.fallback = () => ({ status: 500, body: { error: 'no scripted response' } });
});

afterAll(async () => {
  await agent.close();
  await server.close();
});

const call = (signal?: AbortSignal) => ({
  url: `${server.url}/v1/chat/completions`,
  headers: { 'content-type': 'application/json' },
  body: '{}',
  signal,
});

async function collect(body: AsyncIterable<Buffer>): Promise<string> {
  let text = '';
  for await (const chunk of body) text += chunk.toString('utf8');
  return text;
}

describe('sendUpstreamBuffered', () => {
  it('reads a whole body, in pieces, with status and headers', async () => {
    server.enqueue({ status: 201, headers: { 'x-a': '1' }, chunks: ['{"a":', 5, '"Grüße"}'] });
    const response = await sendUpstreamBuffered(agent, 'p', call());
    expect(response).toMatchObject({ status: 201, text: '{"a":"Grüße"}' });
    expect(response.headers['x-a']).toBe('1');
  });

  it('reads an error answer as text, and a broken one as empty text', async () => {
    server.enqueue({ status: 429, body: 'slow down' });
    expect(await sendUpstreamBuffered(agent, 'p', call())).toMatchObject({ status: 429, text: 'slow down' });
    server.enqueue({ status: 503, chunks: ['par', 5], resetAfterChunks: true });
    expect(await sendUpstreamBuffered(agent, 'p', call())).toMatchObject({ status: 503, text: '' });
  });

  it('says it could not reach the provider, or that the call was cut mid-body', async () => {
    server.enqueue({ reset: true });
    await expect(sendUpstreamBuffered(agent, 'p', call())).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_UNAVAILABLE',
      retryable: true,
    });
    server.enqueue({ status: 200, chunks: ['{"a":', 5], resetAfterChunks: true });
    await expect(sendUpstreamBuffered(agent, 'p', call())).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_UNAVAILABLE',
    });
  });

  it('aborts on the signal, before or during the call', async () => {
    const early = new AbortController();
    early.abort(new Error('gone'));
    await expect(sendUpstreamBuffered(agent, 'p', call(early.signal))).rejects.toMatchObject({
      message: expect.stringMatching(/gone/),
    });
    server.enqueue({ hang: true });
    const late = new AbortController();
    const pending = sendUpstreamBuffered(agent, 'p', call(late.signal));
    setTimeout(() => late.abort(new Error('client left')), 20);
    await expect(pending).rejects.toMatchObject({ message: expect.stringMatching(/client left/) });
  });
});

describe('sendUpstreamStream', () => {
  it('streams the body chunk by chunk', async () => {
    server.enqueue({ status: 200, chunks: ['data: 1\n\n', 5, 'data: 2\n\n', 5, 'data: 3\n\n'] });
    const response = await sendUpstreamStream(agent, 'p', call());
    expect(response.ok).toBe(true);
    if (!response.ok) return;
    expect(await collect(response.body)).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\n');
  });

  it('reads an error answer whole, as text', async () => {
    server.enqueue({ status: 400, headers: { 'retry-after': '2' }, chunks: ['{"error":', 5, '"bad"}'] });
    const response = await sendUpstreamStream(agent, 'p', call());
    expect(response).toMatchObject({ ok: false, status: 400, text: '{"error":"bad"}' });
    expect(response.headers['retry-after']).toBe('2');
  });

  it('throws from the body when the connection breaks mid-stream', async () => {
    server.enqueue({ status: 200, chunks: ['data: 1\n\n', 10], resetAfterChunks: true });
    const response = await sendUpstreamStream(agent, 'p', call());
    if (!response.ok) throw new Error('expected a stream');
    await expect(collect(response.body)).rejects.toThrow();
  });

  it('aborts mid-stream on the signal', async () => {
    server.enqueue({ status: 200, chunks: ['data: 1\n\n', 2000, 'data: 2\n\n'] });
    const controller = new AbortController();
    const response = await sendUpstreamStream(agent, 'p', call(controller.signal));
    if (!response.ok) throw new Error('expected a stream');
    setTimeout(() => controller.abort(new Error('timed out')), 20);
    await expect(collect(response.body)).rejects.toThrow(/timed out/);
  });

  it('keeps a slow reader whole: everything arrives, in order, across pauses', async () => {
    const piece = 'x'.repeat(16 * 1024);
    const pieces = Array.from({ length: 40 }, (_, i) => `${i}:${piece}\n`);
    server.enqueue({ status: 200, chunks: pieces });
    const response = await sendUpstreamStream(agent, 'p', call());
    if (!response.ok) throw new Error('expected a stream');
    let text = '';
    for await (const chunk of response.body) {
      text += chunk.toString('utf8');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(text).toBe(pieces.join(''));
  });

  it('aborts the request when the reader stops early, and the agent keeps working', async () => {
    server.enqueue({ status: 200, chunks: ['data: 1\n\n', 2000, 'data: 2\n\n'] });
    const response = await sendUpstreamStream(agent, 'p', call());
    if (!response.ok) throw new Error('expected a stream');
    for await (const chunk of response.body) {
      expect(chunk.toString('utf8')).toBe('data: 1\n\n');
      break;
    }
    server.enqueue({ status: 200, body: 'next' });
    expect(await sendUpstreamBuffered(agent, 'p', call())).toMatchObject({ status: 200, text: 'next' });
  });

  it('says it could not reach the provider', async () => {
    server.enqueue({ reset: true });
    await expect(sendUpstreamStream(agent, 'p', call())).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_UNAVAILABLE',
    });
  });
});
