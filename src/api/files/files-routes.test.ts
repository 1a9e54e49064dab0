// The Files API on a real server with plain fetch: uploads stream past the JSON body limit, downloads
// stream with ranges, listings page, errors come in Databricks' shape, and a volume deleted through
// Unity Catalog REST takes its files with it.

import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startLakegate, TEST_KEY } from '../../../test/support/lakegate-harness.js';

let lakegate: Harness;
const V = '/Volumes/main/raw/landing';

async function call(method: string, path: string, init: RequestInit & { key?: string } = {}) {
  const { key, ...rest } = init;
  return fetch(`${lakegate.url}${path}`, {
    method,
    ...rest,
    headers: { authorization: `Bearer ${key ?? TEST_KEY}`, ...(rest.headers as Record<string, string>) },
  });
}

async function uc(method: string, path: string, body?: unknown, key = TEST_KEY) {
  const response = await fetch(`${lakegate.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBe(200);
  return response.json() as Promise<Record<string, unknown>>;
}

/** A PUT exactly as written: no URL normalisation on the way. */
function rawPut(path: string, body: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(lakegate.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'PUT', path, headers: { authorization: `Bearer ${TEST_KEY}` } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A body that arrives in pieces over time, as a large upload does. */
function streamedBody(parts: number, partSize: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === parts) {
        controller.close();
        return;
      }
      controller.enqueue(new Uint8Array(partSize).fill(65 + (sent % 26)));
      sent++;
    },
  });
}

beforeAll(async () => {
  // A small JSON body limit: uploads must not be held to it, since they never sit in memory.
  lakegate = await startLakegate({ server: { maxBodyBytes: 4096 } });
  await uc('POST', '/api/2.1/unity-catalog/catalogs', { name: 'main' });
  await uc('POST', '/api/2.1/unity-catalog/schemas', { name: 'raw', catalog_name: 'main' });
  await uc('POST', '/api/2.1/unity-catalog/volumes', {
    name: 'landing',
    catalog_name: 'main',
    schema_name: 'raw',
    volume_type: 'MANAGED',
  });
});

afterAll(async () => {
  await lakegate.close();
});

describe('files', () => {
  it('streams an upload far past the body limit, and downloads it whole and in ranges', async () => {
    const parts = 64;
    const partSize = 16 * 1024;
    const put = await call('PUT', `/api/2.0/fs/files${V}/big/data.bin?overwrite=false`, {
      body: streamedBody(parts, partSize),
      duplex: 'half',
    } as RequestInit);
    expect(put.status, await put.clone().text()).toBe(204);

    const get = await call('GET', `/api/2.0/fs/files${V}/big/data.bin`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/octet-stream');
    expect(get.headers.get('content-length')).toBe(String(parts * partSize));
    const bytes = new Uint8Array(await get.arrayBuffer());
    expect(bytes.length).toBe(parts * partSize);
    expect(bytes[0]).toBe(65);
    expect(bytes[partSize]).toBe(66);

    const ranged = await call('GET', `/api/2.0/fs/files${V}/big/data.bin`, {
      headers: { range: `bytes=${partSize - 2}-${partSize + 1}` },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(
      `bytes ${partSize - 2}-${partSize + 1}/${parts * partSize}`,
    );
    expect(Buffer.from(await ranged.arrayBuffer()).toString()).toBe('AABB');
    const suffix = await call('GET', `/api/2.0/fs/files${V}/big/data.bin`, {
      headers: { range: 'bytes=-3' },
    });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).toString()).toBe('LLL');
    const beyond = await call('GET', `/api/2.0/fs/files${V}/big/data.bin`, {
      headers: { range: `bytes=${parts * partSize}-` },
    });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${parts * partSize}`);
  });

  it('answers HEAD with the size and time, and refuses to overwrite unless asked', async () => {
    const path = `/api/2.0/fs/files${V}/notes/claim-1.txt`;
    expect((await call('PUT', path, { body: 'first version' })).status).toBe(204);
    const head = await call('HEAD', path);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('13');
    expect(Date.parse(head.headers.get('last-modified') ?? '')).toBeGreaterThan(Date.now() - 60_000);

    const again = await call('PUT', path, { body: 'second' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error_code: 'ALREADY_EXISTS' });
    expect((await call('PUT', `${path}?overwrite=true`, { body: 'second' })).status).toBe(204);
    expect(await (await call('GET', path)).text()).toBe('second');

    expect((await call('DELETE', path)).status).toBe(204);
    const gone = await call('GET', path);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error_code: 'NOT_FOUND' });
    const headGone = await call('HEAD', path);
    expect(headGone.status).toBe(404);
    expect(await headGone.text()).toBe('');
  });

  it('refuses paths that try to leave the volume, in Databricks’ error shape', async () => {
    // Sent raw: fetch would resolve dot segments (even encoded ones) before they left.
    for (const path of [
      `/api/2.0/fs/files${V}/%2E%2E/%2E%2E/escape.txt`,
      `/api/2.0/fs/files${V}/../../../escape.txt`,
      `/api/2.0/fs/files${V}/a%00b`,
      `/api/2.0/fs/files${V}/a%2F..%2Fb`,
      '/api/2.0/fs/files/etc/passwd',
    ]) {
      const response = await rawPut(path, 'x');
      expect(response.status, path).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    expect(readdirSync(join(lakegate.home, 'data', 'volumes')).some((n) => n.includes('escape'))).toBe(false);
    const overwrite = await call('PUT', `/api/2.0/fs/files${V}/x.txt?overwrite=maybe`, { body: 'x' });
    expect(await overwrite.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const anonymous = await fetch(`${lakegate.url}/api/2.0/fs/files${V}/x.txt`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error_code: 'UNAUTHENTICATED' });
  });

  it('is "not found" to someone who may not see the volume, and read-only with READ VOLUME', async () => {
    await uc('POST', '/api/2.1/lakegate/principals', { name: 'dana', kind: 'user' });
    const { token } = (await uc('POST', '/api/2.1/lakegate/principals/dana/keys', {})) as { token: string };
    await call('PUT', `/api/2.0/fs/files${V}/private/x.txt`, { body: 'private' });
    const hidden = await call('GET', `/api/2.0/fs/files${V}/private/x.txt`, { key: token });
    expect(hidden.status).toBe(404);
    const message = ((await hidden.json()) as { message: string }).message;
    expect(message).not.toContain('private/x.txt');

    for (const [type, name, privilege] of [
      ['catalog', 'main', 'USE_CATALOG'],
      ['schema', 'main.raw', 'USE_SCHEMA'],
      ['volume', 'main.raw.landing', 'READ_VOLUME'],
    ] as const) {
      await uc('PATCH', `/api/2.1/unity-catalog/permissions/${type}/${name}`, {
        changes: [{ principal: 'dana', add: [privilege] }],
      });
    }
    const read = await call('GET', `/api/2.0/fs/files${V}/private/x.txt`, { key: token });
    expect(await read.text()).toBe('private');
    const write = await call('PUT', `/api/2.0/fs/files${V}/private/y.txt`, { body: 'y', key: token });
    expect(write.status).toBe(403);
    expect(await write.json()).toMatchObject({ error_code: 'PERMISSION_DENIED' });
  });
});

describe('directories', () => {
  it('creates, lists in pages, and deletes only empty directories', async () => {
    expect((await call('PUT', `/api/2.0/fs/directories${V}/reports/2026`)).status).toBe(204);
    for (const name of ['q1.csv', 'q2.csv', 'q3.csv']) {
      await call('PUT', `/api/2.0/fs/files${V}/reports/${name}`, { body: name });
    }
    const seen: Array<Record<string, unknown>> = [];
    let token: string | undefined;
    do {
      const query = `?page_size=2${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
      const response = await call('GET', `/api/2.0/fs/directories${V}/reports/${query}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        contents: Array<Record<string, unknown>>;
        next_page_token?: string;
      };
      seen.push(...body.contents);
      token = body.next_page_token;
    } while (token);
    expect(seen.map((e) => e['name'])).toEqual(['2026', 'q1.csv', 'q2.csv', 'q3.csv']);
    expect(seen[0]).toMatchObject({ path: `${V}/reports/2026/`, is_directory: true });
    expect(seen[0]).not.toHaveProperty('file_size');
    expect(seen[1]).toMatchObject({ path: `${V}/reports/q1.csv`, is_directory: false, file_size: 6 });
    expect(typeof seen[1]!['last_modified']).toBe('number');

    expect((await call('HEAD', `/api/2.0/fs/directories${V}/reports`)).status).toBe(200);
    const full = await call('DELETE', `/api/2.0/fs/directories${V}/reports`);
    expect(full.status).toBe(400);
    expect(await full.json()).toMatchObject({ error_code: 'DIRECTORY_NOT_EMPTY' });
    expect((await call('DELETE', `/api/2.0/fs/directories${V}/reports/2026`)).status).toBe(204);
    const missing = await call('GET', `/api/2.0/fs/directories${V}/reports/2026`);
    expect(missing.status).toBe(404);
  });

  it('deletes a volume’s files when the volume is deleted through Unity Catalog REST', async () => {
    const created = await uc('POST', '/api/2.1/unity-catalog/volumes', {
      name: 'scratch',
      catalog_name: 'main',
      schema_name: 'raw',
      volume_type: 'MANAGED',
    });
    const id = created['volume_id'] as string;
    expect(typeof id).toBe('string');
    const body = 'temporary';
    await call('PUT', '/api/2.0/fs/files/Volumes/main/raw/scratch/t.txt', { body });
    const folder = join(lakegate.home, 'data', 'volumes', id);
    expect(readdirSync(folder)).toEqual(['t.txt']);
    await uc('DELETE', '/api/2.1/unity-catalog/volumes/main.raw.scratch');
    expect(existsSync(folder)).toBe(false);
    // A new volume of the same name starts empty.
    await uc('POST', '/api/2.1/unity-catalog/volumes', {
      name: 'scratch',
      catalog_name: 'main',
      schema_name: 'raw',
      volume_type: 'MANAGED',
    });
    const listed = await call('GET', '/api/2.0/fs/directories/Volumes/main/raw/scratch');
    expect(await listed.json()).toEqual({ contents: [] });
  });
});
