// A plain-fetch client for the catalog REST surfaces, and a Lakegate started on either store engine for
// suites that drive them (the same suite runs on SQLite and PostgreSQL).

import { type Harness, startLakegate, TEST_KEY } from './lakegate-harness.js';
import { createTestDatabase } from './postgres.js';
import type { EngineCase } from './stores.js';

export const UC = '/api/2.1/unity-catalog';
export const LG = '/api/2.1/lakegate';

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON fields.
  body: any;
}

export type Call = (method: string, path: string, body?: unknown) => Promise<Reply>;

/** Calls as the holder of `token`; a string body is sent as is (for malformed JSON). */
export function client(url: string, token: string | null = TEST_KEY): Call {
  return async (method, path, body) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
}

/** Lakegate on the engine's store; `close` also drops a PostgreSQL database. */
export async function startOnEngine(engine: EngineCase, config: unknown = {}): Promise<Harness> {
  if (engine.engine === 'sqlite') return startLakegate(config);
  const database = await createTestDatabase();
  try {
    const harness = await startLakegate(config, { LAKEGATE_DATABASE_URL: database.url });
    return {
      ...harness,
      close: async () => {
        await harness.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** Creates a user (or service) principal and a key for it, as the admin, through REST. */
export async function userWithKey(admin: Call, name: string, kind: 'user' | 'service' = 'user') {
  const created = await admin('POST', `${LG}/principals`, { name, kind });
  if (created.status !== 200) throw new Error(`creating ${name}: ${JSON.stringify(created.body)}`);
  const key = await admin('POST', `${LG}/principals/${encodeURIComponent(name)}/keys`, {});
  if (key.status !== 200) throw new Error(`key for ${name}: ${JSON.stringify(key.body)}`);
  return { name, token: key.body.token as string, keyId: key.body.key_id as string };
}
