import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatementService } from './statement-service.js';
import { openStatementWorld, type StatementWorld } from './test-support.js';

describe('StatementService', () => {
  let world: StatementWorld;
  let statements: StatementService;

  beforeAll(async () => {
    world = await openStatementWorld();
    statements = world.data.statements;
  });
  afterAll(() => world?.close());

  const base = { catalog: 'ins', schema: 'claims', waitTimeoutSeconds: 10 } as const;

  it('runs a governed SELECT and answers with a manifest and string values', async () => {
    const answer = await statements.submit(world.ana, {
      ...base,
      statement: 'SELECT id, region, amount, email FROM claims ORDER BY id',
    });
    expect(answer.state).toBe('SUCCEEDED');
    expect(answer.manifest?.columns.map((c) => [c.name, c.typeName, c.typeText])).toEqual([
      ['id', 'INT', 'INT'],
      ['region', 'STRING', 'STRING'],
      ['amount', 'DECIMAL', 'DECIMAL(10,2)'],
      ['email', 'STRING', 'STRING'],
    ]);
    expect(answer.result?.dataArray).toEqual([
      ['1', 'EU', '100.50', '***'],
      ['3', 'EU', '300.25', '***'],
    ]);
    expect(answer.manifest).toMatchObject({
      totalRowCount: 2,
      truncated: false,
      chunks: [{ chunkIndex: 0, rowCount: 2 }],
    });
  });

  it('binds named parameters as values, never as SQL', async () => {
    const byId = await statements.submit(world.ana, {
      ...base,
      statement: 'SELECT id FROM claims WHERE id = :id AND region = :region',
      parameters: [
        { name: 'id', value: '3', type: 'INT' },
        { name: 'region', value: 'EU' },
      ],
    });
    expect(byId.result?.dataArray).toEqual([['3']]);
    const injected = await statements.submit(world.ana, {
      ...base,
      statement: 'SELECT count(*) AS n FROM claims WHERE region = :r',
      parameters: [{ name: 'r', value: "EU' OR '1'='1" }],
    });
    expect(injected.result?.dataArray).toEqual([['0']]);
    const nulls = await statements.submit(world.ana, {
      ...base,
      statement: 'SELECT :v IS NULL AS n',
      parameters: [{ name: 'v', value: null }],
    });
    expect(nulls.result?.dataArray).toEqual([['true']]);
    const badType = await statements.submit(world.ana, {
      ...base,
      statement: 'SELECT :v',
      parameters: [{ name: 'v', value: 'x', type: 'INT' }],
    });
    expect(badType).toMatchObject({ state: 'FAILED', error: { code: 'VALIDATION_FAILED' } });
  });

  it('fails with the same NOT_FOUND for hidden and missing tables, and VALIDATION_FAILED for non-SELECT', async () => {
    const hidden = await statements.submit(world.bob, { ...base, statement: 'SELECT * FROM claims' });
    expect(hidden).toMatchObject({ state: 'FAILED', error: { code: 'NOT_FOUND' } });
    const missing = await statements.submit(world.bob, { ...base, statement: 'SELECT * FROM nothing' });
    expect(missing.error?.message.replace('nothing', 'claims')).toBe(hidden.error?.message);
    const drop = await statements.submit(world.ana, { ...base, statement: 'DROP TABLE claims' });
    expect(drop).toMatchObject({
      state: 'FAILED',
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/Only one SELECT/) },
    });
    const binder = await statements.submit(world.ana, { ...base, statement: 'SELECT nope FROM claims' });
    expect(binder).toMatchObject({
      state: 'FAILED',
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/nope/) },
    });
    expect(binder.error?.message).not.toMatch(/LINE|__lg_src|lakegate\./);
  });

  it('keeps a statement to the principal that submitted it', async () => {
    const mine = await statements.submit(world.ana, { ...base, statement: 'SELECT 1 AS x' });
    expect(statements.get(world.ana, mine.statementId).state).toBe('SUCCEEDED');
    expect(() => statements.get(world.bob, mine.statementId)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => statements.chunk(world.bob, mine.statementId, 0)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    await expect(statements.cancel(world.bob, mine.statementId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(() => statements.get(world.ana, 'no-such-id')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });

  it('answers at once with wait_timeout 0s and can be cancelled while running', async () => {
    const started = await statements.submit(world.ana, {
      ...base,
      waitTimeoutSeconds: 0,
      statement: 'SELECT count(*) FROM range(100000000000) a',
    });
    expect(['PENDING', 'RUNNING']).toContain(started.state);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const cancelled = await statements.cancel(world.ana, started.statementId);
    expect(cancelled.state).toBe('CANCELED');
    expect(statements.get(world.ana, started.statementId).state).toBe('CANCELED');
  });

  it('records CTAS and INSERT ... SELECT with governed reads and lineage', async () => {
    const ctas = await statements.submit(world.ana, {
      ...base,
      statement:
        'CREATE TABLE ins.work.eu_claims AS SELECT id, email AS contact, amount * 2 AS doubled FROM claims',
    });
    expect(ctas).toMatchObject({ state: 'SUCCEEDED', result: { dataArray: [['2', '2']] } });
    // ana wrote what ana could read: EU rows, masked emails.
    const copied = await statements.submit(world.ana, {
      ...base,
      statement: 'SELECT id, contact FROM ins.work.eu_claims ORDER BY id',
    });
    expect(copied.result?.dataArray).toEqual([
      ['1', '***'],
      ['3', '***'],
    ]);
    const insert = await statements.submit(world.ana, {
      ...base,
      statement:
        'INSERT INTO ins.work.eu_claims (doubled, id) SELECT amount, id + 100 FROM claims WHERE id = 1',
    });
    expect(insert).toMatchObject({ state: 'SUCCEEDED', result: { dataArray: [['1', '1']] } });
    const after = await statements.submit(world.ana, {
      ...base,
      statement: 'SELECT id, contact, doubled FROM ins.work.eu_claims WHERE id > 100',
    });
    expect(after.result?.dataArray).toEqual([['101', null, '100.50']]);
    const graph = await world.catalog.lineage.upstream('table', 'ins.work.eu_claims');
    expect(graph.edges.map((e) => [e.sourceName, e.kind])).toEqual([
      ['ins.claims.claims', 'CTAS'],
      ['ins.claims.claims', 'INSERT_SELECT'],
    ]);
    const column = await world.catalog.lineage.upstream('table', 'ins.work.eu_claims', { column: 'contact' });
    expect(column.edges.map((e) => `${e.sourceName}.${e.sourceColumn}`)).toEqual(['ins.claims.claims.email']);
    const doubled = await world.catalog.lineage.upstream('table', 'ins.work.eu_claims', {
      column: 'doubled',
    });
    expect(doubled.edges.map((e) => `${e.sourceColumn}:${e.kind}`).sort()).toEqual([
      'amount:CTAS',
      'amount:INSERT_SELECT',
    ]);
    const bob = await statements.submit(world.bob, {
      ...base,
      statement: 'INSERT INTO ins.work.eu_claims SELECT 1, 2, 3',
    });
    expect(bob).toMatchObject({ state: 'FAILED', error: { code: 'NOT_FOUND' } });
    const noTarget = await statements.submit(world.ana, {
      ...base,
      statement: 'CREATE TABLE ins.claims.mine AS SELECT 1 AS x',
    });
    expect(noTarget).toMatchObject({ state: 'FAILED' });
  });

  it('audits every statement by hash, never its text or its rows', async () => {
    const statement = `SELECT email FROM claims WHERE email <> 'secret-literal-42'`;
    await statements.submit(world.ana, { ...base, statement });
    await statements.submit(world.bob, { ...base, statement });
    const ddl = 'DROP TABLE claims -- audited too';
    await statements.submit(world.ana, { ...base, statement: ddl });
    await world.catalog.audit.flush();
    const page = await world.catalog.audit.query({ action: 'sql.statement', limit: 100 });
    expect(page.records.find((r) => r.params.statement_length === ddl.length)).toMatchObject({
      decision: 'deny',
      params: { error: 'VALIDATION_FAILED' },
    });
    const text = JSON.stringify(page.records);
    expect(text).not.toContain('secret-literal-42');
    expect(text).not.toContain('***');
    const mine = page.records.filter((r) => r.params.statement_length === statement.length);
    expect(mine.map((r) => [r.principalId, r.decision]).sort()).toEqual(
      [
        [world.ana.principalId, 'allow'],
        [world.bob.principalId, 'deny'],
      ].sort(),
    );
    expect(mine.find((r) => r.decision === 'allow')?.params).toMatchObject({
      kind: 'SELECT',
      tables: ['ins.claims.claims'],
      rows: 2,
    });
  });

  it('reads earlier versions of a managed table, still filtered and masked', async () => {
    await world.data.tables.write(world.admin, 'ins.claims.claims', {
      mode: 'append',
      source: { kind: 'rows', rows: [{ id: 4, region: 'EU', amount: '1.00', email: 'd@x.eu' }] },
    });
    const history = await world.data.tables.history(world.admin, 'ins.claims.claims');
    const latest = Math.max(...history.map((v) => v.version));
    const now = await statements.submit(world.ana, {
      ...base,
      statement: 'SELECT id, email FROM claims ORDER BY id',
    });
    expect(now.result?.dataArray).toEqual([
      ['1', '***'],
      ['3', '***'],
      ['4', '***'],
    ]);
    const before = await statements.submit(world.ana, {
      ...base,
      statement: `SELECT id, email FROM claims AT (VERSION => ${latest - 1}) ORDER BY id`,
    });
    expect(before.result?.dataArray).toEqual([
      ['1', '***'],
      ['3', '***'],
    ]);
    const empty = await statements.submit(world.ana, {
      ...base,
      statement: 'SELECT count(*) FROM claims AT (VERSION => 0)',
    });
    expect(empty.result?.dataArray).toEqual([['0']]);
  });
});

describe('StatementService limits', () => {
  let world: StatementWorld;
  beforeAll(async () => {
    world = await openStatementWorld({ memoryLimit: '64MB', threads: 1 });
  });
  afterAll(() => world?.close());

  it('pages results in chunks, honours row_limit and expires results', async () => {
    const service = new StatementService({
      engine: world.data.engine,
      catalog: world.catalog,
      governor: world.data.sql,
      tables: world.data.tables,
      limits: { chunkRows: 2 },
      resultTtlMs: 300,
    });
    try {
      const answer = await service.submit(world.ana, {
        statement: 'SELECT range AS i FROM range(5)',
        waitTimeoutSeconds: 10,
      });
      expect(answer.manifest).toMatchObject({ totalRowCount: 5, truncated: false });
      expect(answer.manifest?.chunks.map((c) => [c.chunkIndex, c.rowOffset, c.rowCount])).toEqual([
        [0, 0, 2],
        [1, 2, 2],
        [2, 4, 1],
      ]);
      expect(answer.result).toMatchObject({ chunkIndex: 0, nextChunkIndex: 1, dataArray: [['0'], ['1']] });
      expect(service.chunk(world.ana, answer.statementId, 2)).toMatchObject({
        dataArray: [['4']],
        rowOffset: 4,
      });
      expect(service.chunk(world.ana, answer.statementId, 2).nextChunkIndex).toBeUndefined();
      expect(() => service.chunk(world.ana, answer.statementId, 3)).toThrow(
        expect.objectContaining({ code: 'NOT_FOUND' }),
      );
      const limited = await service.submit(world.ana, { statement: 'SELECT * FROM range(10)', rowLimit: 3 });
      expect(limited.manifest).toMatchObject({ totalRowCount: 3, truncated: true });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(service.get(world.ana, answer.statementId)).toEqual({
        statementId: answer.statementId,
        state: 'CLOSED',
      });
      expect(() => service.chunk(world.ana, answer.statementId, 0)).toThrow(
        expect.objectContaining({ code: 'NOT_FOUND' }),
      );
    } finally {
      await service.close();
    }
  });

  it('stops a statement at its timeout and says so', async () => {
    const service = new StatementService({
      engine: world.data.engine,
      catalog: world.catalog,
      governor: world.data.sql,
      tables: world.data.tables,
      statementTimeoutMs: 200,
    });
    try {
      const answer = await service.submit(world.ana, {
        statement: 'SELECT count(*) FROM range(100000000000) a',
      });
      expect(answer).toMatchObject({ state: 'FAILED', error: { code: 'QUERY_TIMEOUT' } });
    } finally {
      await service.close();
    }
  });

  it('reports a query that needs more memory than the limit as QUERY_OUT_OF_MEMORY', async () => {
    const answer = await world.data.statements.submit(world.ana, {
      statement: 'SELECT list(range || repeat($$x$$, 100)) FROM range(5000000)',
    });
    expect(answer).toMatchObject({ state: 'FAILED', error: { code: 'QUERY_OUT_OF_MEMORY' } });
  });

  it('cancels on wait timeout when asked to', async () => {
    const answer = await world.data.statements.submit(world.ana, {
      statement: 'SELECT count(*) FROM range(100000000000) a',
      waitTimeoutSeconds: 5,
      onWaitTimeout: 'CANCEL',
    });
    expect(answer.state).toBe('CANCELED');
  }, 15_000);
});
