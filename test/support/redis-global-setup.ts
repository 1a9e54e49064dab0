// One redis-server for the whole test run (see redis-server.ts); tests get its URL with
// `inject('redisUrl')` and keep apart by key prefix. Without redis-server on the machine the Redis
// suites are skipped, loudly, except in CI, where a missing server is a failure.

import type { TestProject } from 'vitest/node';
import { redisServerInstalled, startRedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** redis://127.0.0.1:<port> of the test server, or '' when there is none. */
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env.LAKEGATE_TEST_REDIS_URL;
  if (fromEnv) {
    project.provide('redisUrl', fromEnv);
    return async () => undefined;
  }
  if (!redisServerInstalled()) {
    if (process.env.CI)
      throw new Error('redis-server is not installed: .ci/run must install the redis-server package.');
    console.warn('\n[lakegate] redis-server is not installed: the Redis limits suites are SKIPPED.\n');
    project.provide('redisUrl', '');
    return async () => undefined;
  }
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
