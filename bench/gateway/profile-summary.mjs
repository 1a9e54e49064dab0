// The functions (and files) a V8 .cpuprofile spent the most self time in — enough to see a hot spot
// without opening DevTools. Usage: node bench/gateway/profile-summary.mjs <file.cpuprofile> [top N]

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function shortUrl(url) {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const cut = path.search(/\/(dist|src|node_modules|bench)\//);
  return cut === -1 ? path : path.slice(cut + 1);
}

/** Self time in ms per function and per file, highest first; idle time is left out of the percentages. */
export function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const functions = new Map();
  const files = new Map();
  let busyUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const file = shortUrl(url) || (functionName.startsWith('(') ? functionName : '(native)');
    const key = `${functionName || '(anonymous)'}  ${file}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  const ranked = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: us / 1000, percent: busyUs === 0 ? 0 : (100 * us) / busyUs }));
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000, functions: ranked(functions), files: ranked(files) };
}

export function formatProfileSummary(summary, top = 25) {
  const line = (entry) =>
    `  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.ms.toFixed(0).padStart(7)} ms  ${entry.name}`;
  return [
    `busy ${summary.busyMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms`,
    `top ${top} functions by self time (% of busy):`,
    ...summary.functions.slice(0, top).map(line),
    `top ${Math.min(top, 15)} files by self time:`,
    ...summary.files.slice(0, Math.min(top, 15)).map(line),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/gateway/profile-summary.mjs <file.cpuprofile> [top N]\n');
    process.exitCode = 2;
  } else {
    const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')));
    process.stdout.write(`${formatProfileSummary(summary, Number(top))}\n`);
  }
}
