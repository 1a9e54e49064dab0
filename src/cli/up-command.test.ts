// `lakegate up` as a user runs it: the real bin/lakegate.js in a child process, with a throwaway working
// folder and a minimal environment (no LAKEGATE_* or provider keys leak in from the machine running the
// tests). Every child is killed after its test, whether the test passed or not.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unusedPort } from './test-support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'lakegate.js');
const KEY = 'lg0123456789ABCDEF.my-long-secret-of-20-chars-or-more';
const OTHER_KEY = 'lgFEDCBA9876543210.another-secret-of-20-chars-or-more';

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<Run>();
let work: string;

beforeAll(async () => {
  // bin/lakegate.js runs the compiled dist/. The build is incremental, so after `npm test`'s pretest
  // build this is quick. It emits even when some other file has a type error (the suite's own
  // `tsc --noEmit` reports those), so only a missing output is fatal here.
  await new Promise<void>((done) => {
    execFile(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
    }).once('exit', () => done());
  });
  if (!existsSync(join(ROOT, 'dist/cli/index.js'))) throw new Error('the build did not produce dist/cli');
}, 180_000);

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'lakegate-cli-'));
});

afterEach(async () => {
  await Promise.all([...running].map(kill));
  rmSync(work, { recursive: true, force: true });
});

afterAll(async () => {
  await Promise.all([...running].map(kill));
});

async function kill(run: Run): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await run.exited;
}

function lakegate(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: work,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const run: Run = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited: new Promise((done) => {
      child.once('close', (code, signal) => {
        running.delete(run);
        done({ code, signal });
      });
    }),
  };
  running.add(run);
  return run;
}

/** The exit of a command that should end by itself, killed if it does not within a generous bound. */
async function exitOf(run: Run, boundMs = 30_000) {
  const bound = sleep(boundMs).then(() => 'still running' as const);
  const result = await Promise.race([run.exited, bound]);
  if (result === 'still running') {
    await kill(run);
    throw new Error(`lakegate did not exit; stderr: ${run.stderr()}`);
  }
  return result;
}

/** Polls GET /health until it answers 200, for a bounded number of tries; fails early if the process ends. */
async function healthy(run: Run, port: number): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (run.child.exitCode !== null) {
      throw new Error(`lakegate exited with ${run.child.exitCode}; stderr: ${run.stderr()}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`lakegate did not become healthy; stdout: ${run.stdout()} stderr: ${run.stderr()}`);
}

/** Waits (boundedly) until the process has printed its startup banner, which follows the listen. */
async function banner(run: Run): Promise<string> {
  for (let attempt = 0; attempt < 100 && !/Admin (API key|key id)/.test(run.stdout()); attempt++)
    await sleep(50);
  return run.stdout();
}

async function stop(run: Run) {
  run.child.kill('SIGTERM');
  return exitOf(run, 15_000);
}

function models(port: number, key?: string): Promise<Response> {
  return fetch(
    `http://127.0.0.1:${port}/v1/models`,
    key ? { headers: { authorization: `Bearer ${key}` } } : {},
  );
}

function printedKey(stdout: string): string | undefined {
  return /Admin API key \(shown only this once[^\n]*\n\s+(\S+)/.exec(stdout)?.[1];
}

// Generous bounds: each test starts one or two Node processes, on a machine that may be busy.
describe('lakegate up', { timeout: 60_000 }, () => {
  it('starts on --port with its data in --home, answers /health unauthenticated, stops on SIGTERM', async () => {
    const port = await unusedPort();
    const home = join(work, 'data-from-flag');
    const run = lakegate(['up', '--port', String(port), '--home', home]);
    await healthy(run, port);

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await banner(run)).toContain(`Lakegate is serving on http://127.0.0.1:${port}`);
    expect(readdirSync(home)).toEqual(expect.arrayContaining(['control.db', 'master.key']));
    expect(readdirSync(home)).not.toContain('admin-key.json');
    expect(existsSync(join(work, '.lakegate'))).toBe(false);

    expect(await stop(run)).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toContain('Lakegate is stopping');
  });

  it('takes the port from LAKEGATE_PORT and the data folder from LAKEGATE_HOME', async () => {
    const port = await unusedPort();
    const home = join(work, 'data-from-env');
    const run = lakegate(['up'], { LAKEGATE_PORT: String(port), LAKEGATE_HOME: home });
    await healthy(run, port);
    expect(existsSync(join(home, 'control.db'))).toBe(true);
    expect(await stop(run)).toEqual({ code: 0, signal: null });
  });

  it('defaults the data folder to ./.lakegate', async () => {
    const port = await unusedPort();
    const run = lakegate(['up', '--port', String(port)]);
    await healthy(run, port);
    expect(existsSync(join(work, '.lakegate', 'control.db'))).toBe(true);
  });

  it('lets flags win over the environment', async () => {
    const port = await unusedPort();
    const run = lakegate(['up', '--port', String(port), '--admin-key', KEY], {
      LAKEGATE_PORT: 'not-a-port',
      LAKEGATE_HOME: join(work, 'home'),
      LAKEGATE_ADMIN_KEY: OTHER_KEY,
    });
    await healthy(run, port);
    expect((await models(port, KEY)).status).toBe(200);
    expect((await models(port, OTHER_KEY)).status).toBe(401);
  });

  it('prints the generated admin key on the first start only, and the key keeps working', async () => {
    const home = join(work, 'home');
    const port = await unusedPort();
    const first = lakegate(['up', '--port', String(port), '--home', home]);
    await healthy(first, port);
    const key = printedKey(await banner(first));
    expect(key).toMatch(/^lg[A-Z2-7]{16}\.[A-Za-z0-9_-]{40}$/);
    expect(first.stderr()).not.toContain(key!);
    expect((await models(port, key)).status).toBe(200);
    expect(await stop(first)).toEqual({ code: 0, signal: null });

    const second = lakegate(['up', '--port', String(port), '--home', home]);
    await healthy(second, port);
    const output = await banner(second);
    expect(output).not.toContain('shown only this once');
    expect(output).not.toContain(key!.split('.')[1]!);
    expect(output).toContain(`Admin key id:         ${key!.split('.')[0]}`);
    expect((await models(port, key)).status).toBe(200);
  });

  it('accepts LAKEGATE_ADMIN_KEY, and that key (only) works for GET /v1/models', async () => {
    const port = await unusedPort();
    const run = lakegate(['up', '--port', String(port)], { LAKEGATE_ADMIN_KEY: KEY });
    await healthy(run, port);
    const output = await banner(run);
    expect(output).not.toContain('shown only this once');
    expect(output).not.toContain(KEY.split('.')[1]!);

    const answer = await models(port, KEY);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { object: string; data: { id: string }[] };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toContain('local/extractive');
    expect((await models(port)).status).toBe(401);
    expect((await models(port, OTHER_KEY)).status).toBe(401);
    expect((await models(port, `${KEY.split('.')[0]}.${OTHER_KEY.split('.')[1]}`)).status).toBe(401);
  });

  it('accepts --admin-key', async () => {
    const port = await unusedPort();
    const run = lakegate(['up', '--port', String(port), '--admin-key', KEY]);
    await healthy(run, port);
    expect((await models(port, KEY)).status).toBe(200);
  });

  it('uses the config file named by --config, and says so', async () => {
    const path = join(work, 'custom.yaml');
    writeFileSync(path, 'endpoints:\n  chat:\n    served: [{ model: local/extractive }]\n');
    const port = await unusedPort();
    const run = lakegate(['up', '--port', String(port), '--config', path], { LAKEGATE_ADMIN_KEY: KEY });
    await healthy(run, port);
    expect(await banner(run)).toContain(`(config: ${path})`);
  });
});

describe('lakegate up refuses, with a clear message and a non-zero exit', { timeout: 60_000 }, () => {
  it('a config file with a bad field, naming the file and the field path', async () => {
    const path = join(work, 'bad.yaml');
    writeFileSync(
      path,
      'endpoints:\n  chat:\n    served:\n      - { model: local/extractive, traffic: lots }\n',
    );
    const run = lakegate(['up', '--port', String(await unusedPort())], { LAKEGATE_CONFIG: path });
    const { code } = await exitOf(run);
    expect(code).toBe(1);
    expect(run.stderr()).toContain(path);
    expect(run.stderr()).toContain('endpoints.chat.served.0.traffic');
    expect(existsSync(join(work, '.lakegate'))).toBe(false);
  });

  it('a config file named by LAKEGATE_CONFIG that does not exist', async () => {
    const path = join(work, 'missing.yaml');
    const run = lakegate(['up', '--port', String(await unusedPort())], { LAKEGATE_CONFIG: path });
    expect((await exitOf(run)).code).toBe(1);
    expect(run.stderr()).toContain(`The config file ${path} does not exist.`);
  });

  it('an admin key of the wrong form, without echoing it', async () => {
    const bad = 'not-a-lakegate-key-but-a-secret-9999';
    const run = lakegate(['up', '--port', String(await unusedPort())], { LAKEGATE_ADMIN_KEY: bad });
    expect((await exitOf(run)).code).toBe(1);
    expect(run.stderr()).toMatch(/LAKEGATE_ADMIN_KEY must have the form/);
    expect(run.stderr()).not.toContain(bad);
  });

  it('a port that is not a number', async () => {
    const run = lakegate(['up', '--port', 'eighty']);
    expect((await exitOf(run)).code).toBe(1);
    expect(run.stderr()).toContain('"eighty" is not a port number');
  });

  it('an unknown option', async () => {
    const run = lakegate(['up', '--prot', '9000']);
    expect((await exitOf(run)).code).toBe(1);
    expect(run.stderr()).toContain('--prot');
  });

  it('an unknown command, with exit code 2 and the usage', async () => {
    const run = lakegate(['frobnicate']);
    expect((await exitOf(run)).code).toBe(2);
    expect(run.stderr()).toContain('unknown command "frobnicate"');
    expect(run.stderr()).toContain('Usage: lakegate <command>');
  });
});
