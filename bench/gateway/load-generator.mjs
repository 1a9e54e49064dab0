// The benchmark's clients: N concurrent keep-alive connections (undici Pool), or N concurrent streams on one
// HTTP/2 connection without TLS (node:http2, as the AWS SDK talks to an http:// endpoint), each sending one
// request after another for a fixed time and reading every response to its end. Runs as a child process so its CPU is
// not the gateway's; takes `run` commands and answers with counts and latency percentiles over IPC.

import { Pool } from 'undici';
import { h2cSession } from './h2c-client.mjs';
import { summarize } from './stats.mjs';

const REQUEST_TIMEOUT_MS = 10_000;
const pools = new Map();

function poolFor(origin, clients, h2c) {
  const key = `${origin} ${clients} ${h2c === true}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = h2c
      ? h2cSession(origin)
      : new Pool(origin, {
          connections: clients,
          pipelining: 1,
          keepAliveTimeout: 60_000,
          headersTimeout: REQUEST_TIMEOUT_MS,
          bodyTimeout: REQUEST_TIMEOUT_MS,
        });
    pools.set(key, pool);
  }
  return pool;
}

/** Numbers the requests of scenarios whose bodies vary (`target.vary`: the marker to replace). */
let sequence = 0;

/** One client: requests back to back until the deadline; every response is read whole and checked. */
async function client(pool, target, deadline, record) {
  while (performance.now() < deadline) {
    const body = target.vary ? target.body.replace(target.vary, `${process.pid}-${++sequence}`) : target.body;
    const started = performance.now();
    try {
      const response = await pool.request({
        path: target.path,
        method: 'POST',
        headers: target.headers,
        body,
      });
      const text = await response.body.text();
      const elapsed = performance.now() - started;
      if (response.statusCode !== 200 || !text.includes(target.expect)) {
        record.fail(`status ${response.statusCode}: ${text.slice(0, 300)}`);
      } else {
        record.ok(elapsed);
      }
    } catch (error) {
      record.fail(`${error?.name ?? 'Error'}: ${error?.message ?? String(error)}`);
    }
  }
}

async function run({ target, clients, seconds }) {
  const pool = poolFor(target.origin, clients, target.h2c);
  const latencies = [];
  let errors = 0;
  let firstError;
  const record = {
    ok: (ms) => latencies.push(ms),
    fail: (message) => {
      errors += 1;
      firstError ??= message;
    },
  };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, () => client(pool, target, deadline, record)));
  const elapsedMs = performance.now() - started;
  return { requests: latencies.length, errors, firstError, elapsedMs, latency: summarize(latencies) };
}

process.on('message', (message) => {
  if (message?.type === 'run') {
    run(message).then(
      (result) => process.send({ type: 'result', id: message.id, result }),
      (error) => process.send({ type: 'result', id: message.id, error: String(error?.stack ?? error) }),
    );
  } else if (message?.type === 'close') {
    Promise.all([...pools.values()].map((pool) => pool.close())).finally(() => process.exit(0));
  }
});

process.on('disconnect', () => process.exit(0));
