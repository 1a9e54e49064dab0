// A governed-data world for statement tests: a real catalog on SQLite, the real data services as the server
// opens them (openGovernedData), an insurance-like claims table with a row filter and a mask, and callers
// in different groups.

import type { Actor, Catalog } from '../../catalog/index.js';
import { type GovernedData, type GovernedDataOptions, openGovernedData } from '../open-data.js';
import { openDataTestCatalog } from '../test-support.js';

export interface StatementWorld {
  catalog: Catalog;
  data: GovernedData;
  admin: Actor;
  ana: Actor;
  bob: Actor;
  close(): Promise<void>;
}

export async function openStatementWorld(
  options: Partial<GovernedDataOptions> = {},
): Promise<StatementWorld> {
  const base = await openDataTestCatalog('statements');
  const { catalog, admin } = base;
  const data = await openGovernedData({ catalog, home: null, scratchDir: base.home, ...options });
  await base.group('eu_adjusters');
  await base.group('auditors');
  const ana = await base.user('ana', 'eu_adjusters');
  const bob = await base.user('bob');
  const { securables } = catalog;
  await securables.createCatalog(admin, 'ins');
  await securables.createSchema(admin, 'ins.claims');
  await securables.createSchema(admin, 'ins.work');
  await data.tables.create(admin, 'ins.claims.claims', {
    columns: [
      { name: 'id', type: 'INT' },
      { name: 'region', type: 'STRING' },
      { name: 'amount', type: 'DECIMAL(10,2)' },
      { name: 'email', type: 'STRING' },
    ],
  });
  await data.tables.write(admin, 'ins.claims.claims', {
    mode: 'append',
    source: {
      kind: 'rows',
      rows: [
        { id: 1, region: 'EU', amount: '100.50', email: 'a@x.eu' },
        { id: 2, region: 'US', amount: '200.00', email: 'b@x.us' },
        { id: 3, region: 'EU', amount: '300.25', email: 'c@x.eu' },
      ],
    },
  });
  await securables.setRowFilter(
    admin,
    'ins.claims.claims',
    `is_member('auditors') OR (region = 'EU' AND is_member('eu_adjusters'))`,
  );
  await securables.setColumnMask(
    admin,
    'ins.claims.claims',
    'email',
    `CASE WHEN is_member('auditors') THEN email ELSE '***' END`,
  );
  await securables.updatePermissions(admin, 'catalog', 'ins', [{ principal: 'ana', add: ['USE CATALOG'] }]);
  await securables.updatePermissions(admin, 'schema', 'ins.claims', [
    { principal: 'ana', add: ['USE SCHEMA', 'SELECT'] },
  ]);
  await securables.updatePermissions(admin, 'schema', 'ins.work', [
    { principal: 'ana', add: ['USE SCHEMA', 'CREATE TABLE', 'SELECT', 'MODIFY'] },
  ]);
  return {
    catalog,
    data,
    admin,
    ana,
    bob,
    async close() {
      await data.close();
      await base.close();
    },
  };
}
