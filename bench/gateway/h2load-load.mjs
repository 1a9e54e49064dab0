// The h2c load from h2load (Debian's `nghttp2-client`), when it is installed: one HTTP/2 connection with
// prior knowledge and many concurrent streams on it, as the AWS SDK for JavaScript talks to an http://
// endpoint, from a C client. Node's HTTP/2 client spent more CPU per request than the server it measured,
// so the h2c row showed the client's limit (Lakegate's event loop was idle half the time). h2load checks
// the status of every answer, not its text: the smoke test before each row checks the text. Latency
// percentiles come from its per-request log.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inScratchFolder, installedVersion } from './native-client.mjs';
import { summarize } from './stats.mjs';

/** h2load's version, or undefined when it is not installed. */
export function h2loadVersion() {
  return installedVersion('h2load', /nghttp2\/(\S+)/);
}

const count = (text, pattern) => Number(pattern.exec(text)?.[1] ?? Number.NaN);

/**
 * `clients` concurrent streams on one connection for `seconds` (whole seconds: rounded up) against
 * `target` ({ origin, path, headers, body }). Resolves like the Node load generator's run: requests
 * answered with 2xx, errors, the first error, elapsed ms and latency percentiles in ms.
 */
export function runH2load(target, clients, seconds) {
  return inScratchFolder('h2load', async (folder, h2load) => {
    const body = join(folder, 'body');
    const log = join(folder, 'requests.tsv');
    writeFileSync(body, target.body);
    const headers = Object.entries(target.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
    const args = ['-c1', `-m${clients}`, '-t1', `-D${Math.max(1, Math.ceil(seconds))}`, '-d', body];
    const stdout = await h2load([...args, ...headers, '--log-file', log, `${target.origin}${target.path}`]);
    const finishedSeconds = count(stdout, /finished in ([\d.]+)s/);
    const failed =
      count(stdout, /(\d+) failed/) + count(stdout, /(\d+) errored/) + count(stdout, /(\d+) timeout/);
    const latencies = [];
    let notOk = 0;
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      const [, status, micros] = line.split('\t');
      if (status === undefined) continue;
      if (Number(status) >= 200 && Number(status) < 300) latencies.push(Number(micros) / 1000);
      else notOk += 1;
    }
    if (!Number.isFinite(finishedSeconds) || !Number.isFinite(failed)) {
      throw new Error(`h2load printed no result:\n${stdout}`);
    }
    const errors = failed + notOk;
    return {
      requests: latencies.length,
      errors,
      ...(errors > 0
        ? { firstError: `h2load: ${failed} failed, ${notOk} answered with a non-2xx status` }
        : {}),
      elapsedMs: finishedSeconds * 1000,
      latency: summarize(latencies),
    };
  });
}
