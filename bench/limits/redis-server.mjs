// A throwaway redis-server for the bench (the Debian package), on a free loopback port with persistence
// off; or the server LAKEGATE_BENCH_REDIS_URL names. Without either, the Redis rows are skipped.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

const BIN = process.env.LAKEGATE_REDIS_SERVER ?? '/usr/bin/redis-server';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
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
  throw new Error(`redis-server did not listen on ${port} within ${ms} ms`);
}

/** { url, source, stop() } or { skipped: reason }. */
export async function openBenchRedis() {
  if (process.env.LAKEGATE_BENCH_REDIS_URL)
    return {
      url: process.env.LAKEGATE_BENCH_REDIS_URL,
      source: 'LAKEGATE_BENCH_REDIS_URL',
      stop: () => undefined,
    };
  if (!existsSync(BIN)) return { skipped: `${BIN} is not installed` };
  const port = await freePort();
  const child = spawn(
    BIN,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await waitForPort(port, 5000);
  return {
    url: `redis://127.0.0.1:${port}`,
    source: `redis-server on 127.0.0.1:${port} (started here)`,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
