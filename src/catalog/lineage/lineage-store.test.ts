import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openFreshStore } from '../../../test/support/stores.js';
import { LineageStore } from './lineage-store.js';
import { renderLineageTree } from './render-lineage-tree.js';

const table = (name: string) => ({ type: 'table', name: `main.claims.${name}` });

describe.each(ENGINES)('lineage store on $engine', (engine) => {
  const stores: Array<{ destroy(): Promise<void> }> = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.destroy();
  });
  async function fresh() {
    const store = await openFreshStore(engine);
    stores.push(store);
    return new LineageStore({ db: store.db });
  }
  async function edge(
    lineage: LineageStore,
    from: { type: string; name: string },
    to: { type: string; name: string },
    kind: string,
    extra: { at?: string; sourceColumn?: string; targetColumn?: string } = {},
  ) {
    return lineage.record({
      sourceType: from.type,
      sourceName: from.name,
      targetType: to.type,
      targetName: to.name,
      kind,
      principalId: 'pr_etl',
      ...extra,
    });
  }
  /** raw → summary → summary_idx → kb, raw → archive, policies → summary. */
  async function pipeline() {
    const lineage = await fresh();
    await edge(lineage, table('raw'), table('summary'), 'CTAS');
    await edge(lineage, table('raw'), table('archive'), 'INSERT_SELECT');
    await edge(lineage, table('policies'), table('summary'), 'CTAS');
    await edge(
      lineage,
      table('summary'),
      { type: 'vector_index', name: 'main.claims.summary_idx' },
      'INDEX_SYNC',
    );
    await edge(
      lineage,
      { type: 'vector_index', name: 'main.claims.summary_idx' },
      { type: 'agent', name: 'main.claims.assistant' },
      'AGENT_RUN',
    );
    return lineage;
  }

  it.runIf(engine.available)('stores an edge event with who and when', async () => {
    const lineage = await fresh();
    const stored = await lineage.record({
      sourceType: 'TABLE',
      sourceName: 'main.claims.raw',
      targetType: 'table',
      targetName: 'main.claims.summary',
      kind: 'ctas',
      principalId: 'pr_alice',
      requestId: 'req_1',
    });
    expect(stored).toMatchObject({
      id: expect.stringMatching(/^lin_/),
      sourceType: 'table',
      kind: 'CTAS',
      principalId: 'pr_alice',
      requestId: 'req_1',
      at: expect.stringMatching(/^\d{4}-/),
    });
  });

  it.runIf(engine.available)('rejects malformed edges and depths', async () => {
    const lineage = await fresh();
    const good = {
      sourceType: 'table',
      sourceName: 'a.b.c',
      targetType: 'table',
      targetName: 'a.b.d',
      kind: 'CTAS',
    };
    for (const bad of [
      { ...good, kind: 'DROP TABLE x; --' },
      { ...good, kind: '' },
      { ...good, sourceName: '' },
      { ...good, targetName: 'a.b.\u001b[2Jd' },
      { ...good, sourceType: 'Table!' },
      { ...good, targetColumn: 'x'.repeat(256) },
      { ...good, at: 'not a time' },
    ]) {
      await expect(lineage.record(bad)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    for (const depth of [0, 11, 1.5]) {
      await expect(lineage.downstream('table', 'a.b.c', { depth })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
  });

  it.runIf(engine.available)('walks downstream one level by default, and says there is more', async () => {
    const lineage = await pipeline();
    const graph = await lineage.downstream('table', 'main.claims.raw');
    expect(graph.nodes.map((n) => [n.name, n.depth])).toEqual([
      ['main.claims.raw', 0],
      ['main.claims.archive', 1],
      ['main.claims.summary', 1],
    ]);
    expect(graph.edges.map((e) => `${e.sourceName}>${e.targetName}:${e.kind}`)).toEqual([
      'main.claims.raw>main.claims.archive:INSERT_SELECT',
      'main.claims.raw>main.claims.summary:CTAS',
    ]);
    expect(graph.truncated).toBe(true);
  });

  it.runIf(engine.available)('walks to the depth asked for, across securable types', async () => {
    const lineage = await pipeline();
    const two = await lineage.downstream('table', 'main.claims.raw', { depth: 2 });
    expect(two.nodes.map((n) => n.name)).toEqual([
      'main.claims.raw',
      'main.claims.archive',
      'main.claims.summary',
      'main.claims.summary_idx',
    ]);
    expect(two.truncated).toBe(true);
    const all = await lineage.downstream('table', 'main.claims.raw', { depth: 10 });
    expect(all.truncated).toBe(false);
    expect(renderLineageTree(all, 'main.claims.raw', 'downstream')).toBe(
      [
        'main.claims.raw',
        '├──INSERT_SELECT──▶ main.claims.archive',
        '└──CTAS──▶ main.claims.summary',
        '   └──INDEX_SYNC──▶ main.claims.summary_idx [vector_index]',
        '      └──AGENT_RUN──▶ main.claims.assistant [agent]',
      ].join('\n'),
    );
  });

  it.runIf(engine.available)('walks upstream through every source', async () => {
    const lineage = await pipeline();
    const graph = await lineage.upstream('agent', 'main.claims.assistant', { depth: 3 });
    expect(graph.nodes.map((n) => n.name)).toEqual([
      'main.claims.assistant',
      'main.claims.summary_idx',
      'main.claims.summary',
      'main.claims.policies',
      'main.claims.raw',
    ]);
    expect(graph.truncated).toBe(false);
    expect(renderLineageTree(graph)).toBe(
      [
        'main.claims.assistant [agent]',
        '└─◀─AGENT_RUN── main.claims.summary_idx [vector_index]',
        '   └─◀─INDEX_SYNC── main.claims.summary',
        '      ├─◀─CTAS── main.claims.policies',
        '      └─◀─CTAS── main.claims.raw',
      ].join('\n'),
    );
    // The type is part of the name: a table of the same name has no lineage.
    expect((await lineage.upstream('table', 'main.claims.assistant')).edges).toEqual([]);
  });

  it.runIf(engine.available)('ends on cycles', async () => {
    const lineage = await fresh();
    await edge(lineage, table('a'), table('b'), 'INSERT_SELECT');
    await edge(lineage, table('b'), table('c'), 'INSERT_SELECT');
    await edge(lineage, table('c'), table('a'), 'INSERT_SELECT');
    await edge(lineage, table('c'), table('c'), 'MERGE');
    const graph = await lineage.downstream('table', 'main.claims.a', { depth: 10 });
    expect(graph.nodes).toHaveLength(3);
    expect(graph.edges).toHaveLength(4);
    expect(graph.truncated).toBe(false);
    expect(renderLineageTree(graph)).toBe(
      [
        'main.claims.a',
        '└──INSERT_SELECT──▶ main.claims.b',
        '   └──INSERT_SELECT──▶ main.claims.c',
        '      ├──INSERT_SELECT──▶ main.claims.a ↺',
        '      └──MERGE──▶ main.claims.c ↺',
      ].join('\n'),
    );
    const up = await lineage.upstream('table', 'main.claims.a', { depth: 10 });
    expect(up.nodes.map((n) => n.name).sort()).toEqual(['main.claims.a', 'main.claims.b', 'main.claims.c']);
  });

  it.runIf(engine.available)(
    'keeps every event but returns each edge once, with the latest time',
    async () => {
      const lineage = await fresh();
      for (const at of ['2024-01-01T00:00:00Z', '2024-03-01T00:00:00Z', '2024-02-01T00:00:00Z']) {
        await edge(lineage, table('raw'), table('summary'), 'CTAS', { at });
      }
      await edge(lineage, table('raw'), table('summary'), 'INSERT_SELECT', { at: '2024-04-01T00:00:00Z' });
      const graph = await lineage.downstream('table', 'main.claims.raw');
      expect(graph.edges).toEqual([
        {
          sourceType: 'table',
          sourceName: 'main.claims.raw',
          targetType: 'table',
          targetName: 'main.claims.summary',
          kind: 'CTAS',
          at: '2024-03-01T00:00:00.000Z',
          count: 3,
        },
        {
          sourceType: 'table',
          sourceName: 'main.claims.raw',
          targetType: 'table',
          targetName: 'main.claims.summary',
          kind: 'INSERT_SELECT',
          at: '2024-04-01T00:00:00.000Z',
          count: 1,
        },
      ]);
      expect(renderLineageTree(graph)).toBe('main.claims.raw\n└──CTAS, INSERT_SELECT──▶ main.claims.summary');
    },
  );

  it.runIf(engine.available)('follows one column, and folds columns into tables otherwise', async () => {
    const lineage = await fresh();
    await edge(lineage, table('raw'), table('summary'), 'CTAS', {
      sourceColumn: 'amount',
      targetColumn: 'total',
    });
    await edge(lineage, table('raw'), table('summary'), 'CTAS', {
      sourceColumn: 'id',
      targetColumn: 'claim_id',
    });
    await edge(lineage, table('summary'), table('report'), 'CTAS', {
      sourceColumn: 'total',
      targetColumn: 'total_sum',
    });
    await edge(lineage, table('summary'), table('report'), 'CTAS', {
      sourceColumn: 'claim_id',
      targetColumn: 'n',
    });
    const column = await lineage.upstream('table', 'main.claims.report', { column: 'total_sum', depth: 5 });
    expect(column.nodes.map((n) => `${n.name}.${n.column}`)).toEqual([
      'main.claims.report.total_sum',
      'main.claims.summary.total',
      'main.claims.raw.amount',
    ]);
    expect(renderLineageTree(column)).toBe(
      [
        'main.claims.report (total_sum)',
        '└─◀─CTAS── main.claims.summary (total)',
        '   └─◀─CTAS── main.claims.raw (amount)',
      ].join('\n'),
    );
    const down = await lineage.downstream('table', 'main.claims.raw', { column: 'id', depth: 5 });
    expect(down.edges.map((e) => `${e.sourceColumn}>${e.targetColumn}`)).toEqual([
      'id>claim_id',
      'claim_id>n',
    ]);
    const tables = await lineage.upstream('table', 'main.claims.report', { depth: 5 });
    expect(tables.nodes.map((n) => n.name)).toEqual([
      'main.claims.report',
      'main.claims.summary',
      'main.claims.raw',
    ]);
    expect(tables.edges.map((e) => [e.sourceName, e.targetName, e.count, 'sourceColumn' in e])).toEqual([
      ['main.claims.raw', 'main.claims.summary', 2, false],
      ['main.claims.summary', 'main.claims.report', 2, false],
    ]);
  });

  it.runIf(engine.available)('answers for a node with no lineage', async () => {
    const lineage = await fresh();
    const graph = await lineage.upstream('table', 'main.claims.nothing', { depth: 3 });
    expect(graph).toEqual({
      root: { type: 'table', name: 'main.claims.nothing', depth: 0 },
      direction: 'upstream',
      nodes: [{ type: 'table', name: 'main.claims.nothing', depth: 0 }],
      edges: [],
      truncated: false,
    });
    expect(renderLineageTree(graph)).toBe('main.claims.nothing\n(no upstream lineage)');
  });

  it.runIf(engine.available)('handles a wide frontier (more nodes than one query takes)', async () => {
    const lineage = await fresh();
    for (let i = 0; i < 130; i++) {
      await edge(lineage, table('raw'), table(`t${i}`), 'CTAS');
      await edge(lineage, table(`t${i}`), table(`u${i}`), 'CTAS');
    }
    const graph = await lineage.downstream('table', 'main.claims.raw', { depth: 2 });
    expect(graph.nodes).toHaveLength(261);
    expect(graph.edges).toHaveLength(260);
    expect(graph.truncated).toBe(false);
  });
});
