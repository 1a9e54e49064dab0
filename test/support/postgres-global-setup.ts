// Starts a throwaway PostgreSQL cluster from the Debian packages (postgresql, installed by .ci/run) on a
// loopback port for the whole test run, and stops it at the end. Tests get its URL with
// `inject('postgresUrl')`. Without PostgreSQL on the machine the PostgreSQL suites are skipped, loudly,
// except in CI, where a missing server is a failure.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the test cluster, or '' when there is none. */
    postgresUrl: string;
  }
}

function findBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
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

export default async function setup(project: TestProject): Promise<() => void> {
  const fromEnv = process.env.LAKEGATE_TEST_DATABASE_URL;
  if (fromEnv) {
    project.provide('postgresUrl', fromEnv);
    return () => undefined;
  }
  const bin = findBinDir();
  if (!bin) {
    if (process.env.CI)
      throw new Error('PostgreSQL is not installed: .ci/run must install the postgresql package.');
    console.warn('\n[lakegate] PostgreSQL is not installed: the PostgreSQL store suites are SKIPPED.\n');
    project.provide('postgresUrl', '');
    return () => undefined;
  }

  const dir = mkdtempSync(join(tmpdir(), 'lakegate-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root; the Debian package creates the postgres user for it.
  const asOwner = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const run = (command: string, args: string[]) => {
    const [file, ...rest] = [...asOwner, join(bin, command), ...args];
    execFileSync(file!, rest, { stdio: 'pipe' });
  };
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'lakegate', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    'start',
  ]);
  project.provide('postgresUrl', `postgres://lakegate@127.0.0.1:${port}/postgres`);

  return () => {
    const [file, ...rest] = [...asOwner, join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'];
    spawnSync(file!, rest, { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  };
}
