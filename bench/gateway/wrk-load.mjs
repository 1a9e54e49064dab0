// The HTTP/1.1 load from wrk (Debian's `wrk`), when it is installed: a C client that costs the machine a
// fraction of what Node clients do. All the benchmark's processes share two cores, so a Node load
// generator takes CPU from the servers it measures and caps every row; the issue's reference figures (a
// bare node:http proxy at about 7,000 requests/s) are only reachable with a native client. Every response
// is still read whole and checked for the scenario's expected text (wrk's `response` hook), and it
// answers in the same shape as the Node load generator's.

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inScratchFolder, installedVersion } from './native-client.mjs';

const RESULT_LINE = /^WRK_RESULT (\{.*\})$/m;
const FIRST_ERROR_LINE = /^WRK_FIRST_ERROR (.*)$/m;

/** wrk's version, or undefined when wrk is not installed. */
export function wrkVersion() {
  return installedVersion('wrk', /wrk (\S+)/);
}

const lua = (text) => JSON.stringify(text);

/**
 * The script of one run: the scenario's request (with a fresh number in place of `vary` on every request,
 * prefixed by `nonce` so that no two runs send the same body), and a check of every answer.
 */
function scriptOf(target, nonce) {
  const lines = ['wrk.method = "POST"', `wrk.path = ${lua(target.path)}`];
  for (const [name, value] of Object.entries(target.headers))
    lines.push(`wrk.headers[${lua(name)}] = ${lua(value)}`);
  if (target.vary) {
    const at = target.body.indexOf(target.vary);
    const before = target.body.slice(0, at);
    const after = target.body.slice(at + target.vary.length);
    lines.push(
      'local counter = 0',
      'request = function()',
      '  counter = counter + 1',
      `  return wrk.format(nil, nil, nil, ${lua(`${before}${nonce}-`)} .. counter .. ${lua(after)})`,
      'end',
    );
  } else {
    lines.push(`wrk.body = ${lua(target.body)}`);
  }
  lines.push(
    `local expect = ${lua(target.expect)}`,
    'bad = 0',
    'first = ""',
    'response = function(status, headers, body)',
    '  if status ~= 200 or not string.find(body, expect, 1, true) then',
    '    bad = bad + 1',
    '    if first == "" then first = "status " .. status .. ": " .. string.sub(body, 1, 300) end',
    '  end',
    'end',
    'local threads = {}',
    'function setup(thread) table.insert(threads, thread) end',
    'function done(summary, latency, requests)',
    '  local bad, first = 0, ""',
    '  for _, thread in ipairs(threads) do',
    '    bad = bad + thread:get("bad")',
    '    if first == "" then first = thread:get("first") end',
    '  end',
    '  local e = summary.errors',
    '  io.write(string.format(\'WRK_RESULT {"requests":%d,"durationUs":%d,"socketErrors":%d,"bad":%d,' +
      '"p50":%d,"p90":%d,"p99":%d,"mean":%.3f,"max":%d}\\n\', summary.requests, summary.duration,' +
      ' e.connect + e.read + e.write + e.timeout, bad, latency:percentile(50), latency:percentile(90),' +
      ' latency:percentile(99), latency.mean, latency.max))',
    '  io.write("WRK_FIRST_ERROR " .. string.gsub(first, "[\\r\\n]", " ") .. "\\n")',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * `clients` connections from one wrk thread for `seconds` (wrk counts whole seconds: rounded up), against
 * `target` ({ origin, path, headers, body, expect, vary? }). Resolves like the Node load generator's run:
 * requests answered correctly, errors, the first error, elapsed ms and latency percentiles in ms.
 */
export function runWrk(target, clients, seconds) {
  return inScratchFolder('wrk', async (folder, wrk) => {
    const script = join(folder, 'scenario.lua');
    writeFileSync(script, scriptOf(target, randomBytes(4).toString('hex')));
    const args = ['-t1', `-c${clients}`, `-d${Math.max(1, Math.ceil(seconds))}s`, '--timeout', '10s'];
    const stdout = await wrk([...args, '-s', script, `${target.origin}${target.path}`]);
    const match = RESULT_LINE.exec(stdout);
    if (!match) throw new Error(`wrk printed no result:\n${stdout}`);
    const r = JSON.parse(match[1]);
    const errors = r.socketErrors + r.bad;
    const firstError =
      FIRST_ERROR_LINE.exec(stdout)?.[1] ||
      (r.socketErrors > 0 ? `${r.socketErrors} socket errors` : undefined);
    const ms = (us) => us / 1000;
    return {
      requests: r.requests - r.bad,
      errors,
      ...(errors > 0 ? { firstError } : {}),
      elapsedMs: ms(r.durationUs),
      latency: { p50: ms(r.p50), p90: ms(r.p90), p99: ms(r.p99), mean: ms(r.mean), max: ms(r.max) },
    };
  });
}
