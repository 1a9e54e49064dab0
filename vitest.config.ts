import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: [
      'test/support/build-global-setup.ts',
      'test/support/postgres-global-setup.ts',
      'test/support/redis-global-setup.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: more workers than that only adds contention to the servers the tests start.
    maxWorkers: 2,
  },
});
