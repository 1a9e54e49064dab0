// PostgreSQL for the bench: the server named by LAKEGATE_BENCH_DATABASE_URL, else a throwaway cluster
// started the way the test setup starts one (test/support/postgres-global-setup.ts), else none. Either
// way the bench works in a database of its own, created here and dropped at the end.

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

function findBinDir() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A cluster in a temporary folder on a loopback port; `stop()` is synchronous so it can run on exit. */
async function startCluster(bin) {
  const dir = mkdtempSync(join(tmpdir(), 'lakegate-bench-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root; the Debian package creates the postgres user for it.
  const asOwner = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const command = (name, args) => {
    const [file, ...rest] = [...asOwner, join(bin, name), ...args];
    return [file, rest];
  };
  let started = false;
  const stop = () => {
    if (started)
      spawnSync(...command('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']), { stdio: 'pipe' });
    started = false;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    execFileSync(
      ...command('initdb', ['-D', data, '-U', 'lakegate', '--auth=trust', '-E', 'UTF8', '--no-sync']),
      {
        stdio: 'pipe',
      },
    );
    // The same durability settings as the test cluster: the bench measures reads, and a revoke's commit
    // is then what it costs without an fsync (said so in the report).
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    started = true;
    execFileSync(
      ...command('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', options, 'start']),
      {
        stdio: 'pipe',
      },
    );
    return { adminUrl: `postgres://lakegate@127.0.0.1:${port}/postgres`, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * `{ source, url, drop(), stopNow() }` for a fresh database, or `{ source, skipped }` when there is no
 * PostgreSQL to use. `drop` removes the database (and the cluster, if started here); `stopNow` is the
 * synchronous last resort for process exit.
 */
export async function openBenchPostgres() {
  const fromEnv = process.env.LAKEGATE_BENCH_DATABASE_URL;
  let cluster;
  let adminUrl = fromEnv;
  if (!adminUrl) {
    const bin = findBinDir();
    if (!bin)
      return {
        source: 'none',
        skipped: 'PostgreSQL is not installed and LAKEGATE_BENCH_DATABASE_URL is not set',
      };
    cluster = await startCluster(bin);
    adminUrl = cluster.adminUrl;
  }
  const name = `lakegate_bench_${randomBytes(6).toString('hex')}`;
  try {
    await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    cluster?.stop();
    throw error;
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    source: fromEnv ? 'LAKEGATE_BENCH_DATABASE_URL' : 'throwaway cluster (fsync off)',
    url: url.toString(),
    async drop() {
      try {
        if (!cluster) {
          await withClient(adminUrl, (client) =>
            client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
          );
        }
      } finally {
        cluster?.stop();
      }
    },
    stopNow: () => cluster?.stop(),
  };
}
