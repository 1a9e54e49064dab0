// lakegate.yaml's `data` section reaches the running server: a statement past the configured timeout
// is stopped with a clear error, and the server keeps answering.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, client } from '../../../test/support/catalog-rest.js';
import { type Harness, startLakegate } from '../../../test/support/lakegate-harness.js';

const STATEMENTS = '/api/2.0/sql/statements';

describe('data settings from lakegate.yaml', () => {
  let harness: Harness;
  let admin: Call;

  beforeAll(async () => {
    harness = await startLakegate({ data: { statementTimeoutSeconds: 1, memoryLimit: '512MB', threads: 1 } });
    admin = client(harness.url);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('stops a statement that runs past data.statementTimeoutSeconds', async () => {
    const slow = await admin('POST', STATEMENTS, {
      statement: 'SELECT count(*) FROM range(100000000000) a',
      wait_timeout: '30s',
    });
    expect(slow.status).toBe(200);
    expect(slow.body.status.state).toBe('FAILED');
    expect(slow.body.status.error.message).toMatch(/longer than 1000 ms/);
    const quick = await admin('POST', STATEMENTS, { statement: 'SELECT 42 AS answer', wait_timeout: '10s' });
    expect(quick.body.result.data_array).toEqual([['42']]);
  });
});
