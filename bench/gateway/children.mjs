// The benchmark's child processes — upstream, bare proxy, Lakegate, load generator — with what a Lakegate
// under test is given (an admin key, the upstream as its provider), and the one place that stops them all,
// whatever way the benchmark ends.

import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

const running = new Set();

function track(child) {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function exited(child, what, output = () => '') {
  return once(child, 'exit').then(([code, signal]) => {
    throw new Error(`${what} exited early (code ${code}, signal ${signal})\n${output()}`);
  });
}

/** A child that reports `{ type: 'ready', port }` once it listens on 127.0.0.1. */
async function startServerChild(script, args, what) {
  const child = track(fork(here(script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const ready = once(child, 'message').then(([message]) => message.port);
  const port = await withTimeout(
    Promise.race([ready, exited(child, what)]),
    STARTUP_TIMEOUT_MS,
    `${what} start`,
  );
  return { child, pid: child.pid, port, url: `http://127.0.0.1:${port}` };
}

/** The fake model provider. */
export function startUpstream() {
  return startServerChild('./upstream-server.mjs', [], 'upstream');
}

/** The minimal pass-through proxy in front of `upstreamUrl`. */
export function startBareProxy(upstreamUrl) {
  return startServerChild('./bare-proxy.mjs', [upstreamUrl], 'bare proxy');
}

export async function startLoadGenerator() {
  const child = track(
    fork(here('./load-generator.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const pending = new Map();
  let nextId = 1;
  child.on('message', (message) => {
    const waiter = pending.get(message?.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`load generator: ${message.error}`));
    else waiter.resolve(message.result);
  });
  child.once('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`load generator exited (code ${code})`));
    pending.clear();
  });
  return {
    child,
    /** Runs `clients` clients against `target` for `seconds`; resolves with counts and latencies. */
    run(target, clients, seconds) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ type: 'run', id, target, clients, seconds });
      });
    },
  };
}

/** A fresh admin key for the Lakegates of one run, in the form LAKEGATE_ADMIN_KEY takes. */
export function benchAdminKey() {
  return `lg${randomBytes(8).toString('hex').toUpperCase()}.${randomBytes(24).toString('base64url')}`;
}

/** The `providers:` section of a bench Lakegate's config: the local upstream as `upstream`. */
export function upstreamProviderYaml(upstreamUrl) {
  return `providers:\n  upstream: { type: openai-compatible, baseUrl: "${upstreamUrl}/v1" }\n`;
}

/** The node flags `npm start` runs Lakegate with (the script is `node <flags> bin/lakegate.js up`). */
function startScriptNodeFlags(repoRoot) {
  const script = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.start;
  const words = script.split(/\s+/);
  const bin = words.indexOf('bin/lakegate.js');
  if (words[0] !== 'node' || bin === -1)
    throw new Error(`npm start is not "node … bin/lakegate.js up": ${script}`);
  return words.slice(1, bin);
}

/**
 * Starts `node bin/lakegate.js up` as `npm start` runs it (same node flags), plus the bench's own flags, and
 * resolves with its URL once it says it is serving.
 */
export async function startLakegate({ repoRoot, home, configPath, adminKey, nodeFlags = [] }) {
  const args = [
    ...startScriptNodeFlags(repoRoot),
    ...nodeFlags,
    '--import',
    here('./exit-with-parent.mjs'),
    'bin/lakegate.js',
    'up',
    '--port',
    '0',
    '--home',
    home,
    '--config',
    configPath,
  ];
  // A small, fixed environment: provider keys from the caller's shell must not change what is measured.
  const env = { PATH: process.env.PATH ?? '', HOME: home, LAKEGATE_ADMIN_KEY: adminKey };
  const child = track(
    spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }),
  );
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => {
    stderr = (stderr + text).slice(-4000);
  });
  const serving = new Promise((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (text) => {
      stdout = (stdout + text).slice(-4000);
      const match = /serving on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
  });
  const url = await withTimeout(
    Promise.race([serving, exited(child, 'lakegate', () => `stdout:\n${stdout}\nstderr:\n${stderr}`)]),
    STARTUP_TIMEOUT_MS,
    'lakegate start',
  );
  return { child, pid: child.pid, url, stderrTail: () => stderr };
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the child has exited. */
export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await gone;
  clearTimeout(timer);
}

export async function stopAll() {
  await Promise.all([...running].map((child) => stopChild(child)));
}

/** Last resort when the process is exiting anyway: nothing can be awaited, so kill outright. */
export function killAllNow() {
  for (const child of running) child.kill('SIGKILL');
}
