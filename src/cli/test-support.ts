// Runs the CLI's main() in this process as a user would run `lakegate ...`, with the environment given
// (nothing leaks in from the machine's LAKEGATE_* variables) and stdout/stderr captured; and the real
// Lakegate the CLI suites run it against.

import { createServer } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import { type Harness, startLakegate, TEST_KEY } from '../../test/support/lakegate-harness.js';
import { main } from './main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export type Cli = (...argv: string[]) => Promise<CliRun>;

export function cliFor(env: Record<string, string | undefined>): Cli {
  return async (...argv) => {
    let stdout = '';
    let stderr = '';
    const code = await main(
      argv,
      { ...env },
      {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
      },
    );
    return { code, stdout, stderr };
  };
}

/** The CLI against a running Lakegate at `url`, with `key` as LAKEGATE_KEY. */
export function cliAt(url: string, key?: string): Cli {
  return cliFor({ LAKEGATE_URL: url, LAKEGATE_KEY: key });
}

export interface TestLakegate {
  /** The running server, from the file's first hook or test on. */
  readonly harness: Harness;
  /** The CLI against it with the admin key. */
  readonly admin: Cli;
}

/** A Lakegate started before the file's tests and stopped after them. */
export function useLakegate(): TestLakegate {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startLakegate();
  });
  afterAll(async () => {
    await harness?.close();
  });
  const started = (): Harness => {
    if (!harness) throw new Error('Lakegate starts in beforeAll: use it from a hook or a test');
    return harness;
  };
  return {
    get harness() {
      return started();
    },
    admin: (...argv) => cliAt(started().url, TEST_KEY)(...argv),
  };
}

/** Runs a command that must succeed, and returns its stdout. */
export async function ok(cli: Cli, ...argv: string[]): Promise<string> {
  const run = await cli(...argv);
  expect(run, `lakegate ${argv.join(' ')}`).toMatchObject({ code: 0, stderr: '' });
  return run.stdout;
}

/** A loopback port that nothing listens on (it was free a moment ago). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
