// A fresh database on the test cluster for each suite that asks, so suites never see each other's rows.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export function postgresAvailable(): boolean {
  return inject('postgresUrl') !== '';
}

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = inject('postgresUrl');
  const name = `lakegate_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: admin });
      await dropper.connect();
      try {
        await waitForConnectionsClosed(dropper, name);
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * pg's pool.end() resolves before its sockets have closed; dropping the database under them would kill
 * connections a test still half-holds. Wait (bounded) until PostgreSQL has let go of every one.
 */
async function waitForConnectionsClosed(client: pg.Client, database: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const { rows } = await client.query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where datname = $1',
      [database],
    );
    if (rows[0]?.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
