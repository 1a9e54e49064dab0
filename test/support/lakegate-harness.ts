// Starts a real Lakegate in this process, on a free loopback port, with a throwaway data folder and a
// known admin key, for conformance tests with the official clients.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { configSchema } from '../../src/core/index.js';

export const TEST_KEY_ID = 'lgTESTKEY0000000001';
export const TEST_SECRET = 'test-secret-0123456789abcdefghij';
export const TEST_KEY = `${TEST_KEY_ID}.${TEST_SECRET}`;

export interface Harness {
  url: string;
  server: RunningServer;
  home: string;
  close(): Promise<void>;
}

/** `config` is lakegate.yaml's content as an object (validated like the file). */
export async function startLakegate(
  config: unknown = {},
  env: Record<string, string> = {},
): Promise<Harness> {
  const home = mkdtempSync(join(tmpdir(), 'lakegate-test-'));
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      home,
      config: configSchema.parse(config),
      env: { LAKEGATE_ADMIN_KEY: TEST_KEY, ...env },
    });
  } catch (error) {
    // Tests that expect start-up to fail must not leave the data folder behind.
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  return {
    url: server.url,
    server,
    home,
    close: async () => {
      await server.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
