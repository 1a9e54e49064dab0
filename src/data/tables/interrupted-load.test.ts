// A process killed in the middle of a large load: the write is one DuckDB transaction, so after a
// restart the table is exactly the previous version, with no trace of the half-done one. The load runs
// in a child Node process on this module's own code (bundled on the fly: vitest's TypeScript transform
// does not reach a child process), and is killed with SIGKILL, so nothing gets to clean up.

import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Securable } from '../../catalog/index.js';
import { type TablesFixture, tablesFixture } from './test-support.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../../..');
// Inside the project, so the bundle finds @duckdb/node-api in node_modules.
const bundleDir = join(root, 'node_modules', '.cache', 'lakegate-interrupted-load');

let fx: TablesFixture;
let table: Securable;

async function bundleChild(): Promise<string> {
  mkdirSync(bundleDir, { recursive: true });
  const entry = join(bundleDir, 'entry.mjs');
  writeFileSync(
    entry,
    `import { DataEngine } from ${JSON.stringify(join(root, 'src/data/engine/index.ts'))};
import { TableStore } from ${JSON.stringify(join(root, 'src/data/tables/table-store.ts'))};
const [path, stagingDir, tableId, file] = process.argv.slice(2);
const engine = await DataEngine.open({ path, stagingDir });
const store = new TableStore(engine);
await store.init();
process.stdout.write('loading\\n');
await store.write(tableId, 'main.sales.big', 'child', { mode: 'overwrite', source: { kind: 'file', path: file } });
process.stdout.write('done\\n');
await engine.close();
`,
  );
  const out = join(bundleDir, `child-${process.pid}.mjs`);
  await build({
    input: entry,
    platform: 'node',
    external: [/^@duckdb\//, /^node:/],
    resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
    output: { file: out, format: 'esm' },
    logLevel: 'silent',
  });
  return out;
}

async function writeBigCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,region,amount\n');
  const regions = ['north', 'south', 'east', 'west'];
  for (let start = 0; start < rows; start += 50_000) {
    let chunk = '';
    for (let i = start; i < Math.min(rows, start + 50_000); i++)
      chunk += `${i},${regions[i % 4]},${i % 1000}.25\n`;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, reject) => out.end((error?: Error | null) => (error ? reject(error) : r())));
}

function waitFor(child: ChildProcess, line: string, output: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    child.stdout!.on('data', (data: Buffer) => {
      output.push(data.toString());
      if (output.join('').includes(line)) resolvePromise();
    });
    child.once('exit', (code) =>
      reject(new Error(`child exited (${code}) before "${line}": ${output.join('')}`)),
    );
  });
}

beforeAll(async () => {
  fx = await tablesFixture();
  table = await fx.tables.create(fx.admin, 'main.sales.big', {
    columns: [
      { name: 'id', type: 'LONG', nullable: false },
      { name: 'region', type: 'STRING' },
      { name: 'amount', type: 'DECIMAL(10,2)' },
    ],
  });
  await fx.tables.write(fx.admin, table.fullName, {
    mode: 'append',
    source: {
      kind: 'rows',
      rows: [
        { id: 1, region: 'north', amount: 1 },
        { id: 2, region: 'south', amount: 2 },
      ],
    },
  });
}, 60_000);
afterAll(async () => {
  await fx.close();
  rmSync(join(bundleDir, `child-${process.pid}.mjs`), { force: true });
});

describe('a load killed half-way', () => {
  it('leaves the previous version intact after a restart', async () => {
    const [childScript] = await Promise.all([
      bundleChild(),
      writeBigCsv(join(fx.home, 'big.csv'), 3_000_000),
    ]);
    // The child needs the database file to itself.
    await fx.engine.close();
    const child = spawn(
      process.execPath,
      [childScript, join(fx.home, 'tables.duckdb'), fx.engine.stagingDir, table.id, join(fx.home, 'big.csv')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output: string[] = [];
    await waitFor(child, 'loading', output);
    // Long enough to be inside the INSERT (staging and sniffing take a few ms), far short of its end.
    await new Promise((r) => setTimeout(r, 400));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(output.join('')).not.toContain('done');

    await fx.reopen();
    await fx.tables.open();
    const relation = await fx.tables.relationFor(table);
    expect(await fx.query(`SELECT id, region, amount FROM ${relation} ORDER BY id`)).toEqual([
      { id: '1', region: 'north', amount: '1.00' },
      { id: '2', region: 'south', amount: '2.00' },
    ]);
    expect((await fx.tables.history(fx.admin, table.fullName)).map((v) => v.version)).toEqual([1, 0]);
    expect(await fx.query(`SELECT count(*)::INT AS n FROM lakegate."${table.id}$history"`)).toEqual([
      { n: 0 },
    ]);
    // The staged copy the killed process never removed is gone after start-up.
    expect(readdirSync(fx.engine.stagingDir)).toEqual([]);
    // And the table takes writes again, numbered after the last committed version.
    const next = await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: { kind: 'rows', rows: [{ id: 3 }] },
    });
    expect(next).toMatchObject({ version: 2, rowsTotal: 3 });
  }, 120_000);
});
