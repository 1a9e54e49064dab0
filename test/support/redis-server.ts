// Starts a throwaway redis-server (the Debian package, /usr/bin/redis-server) on a free loopback port,
// with persistence off, and stops it. Used by the vitest globalSetup for the whole run and by tests that
// need a server of their own to take down.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

export const REDIS_SERVER_BIN = process.env.LAKEGATE_REDIS_SERVER ?? '/usr/bin/redis-server';

export function redisServerInstalled(): boolean {
  return existsSync(REDIS_SERVER_BIN);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server at once (SIGKILL when `hard`), and waits until it has exited. */
  stop(hard?: boolean): Promise<void>;
}

/** `port`: a given one (to restart a stopped server where its clients expect it), else a free one. */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  port ??= await freePort();
  const child: ChildProcess = spawn(
    REDIS_SERVER_BIN,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, 5000, () => child.exitCode !== null).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not start: ${stderr.trim() || String(error)}`);
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async (hard = false) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(hard ? 'SIGKILL' : 'SIGTERM');
      await exited;
    },
  };
}

async function waitForPort(port: number, ms: number, gaveUp: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (gaveUp()) throw new Error('the server exited');
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`nothing listens on port ${port} after ${ms} ms`);
}
