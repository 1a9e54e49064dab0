// Document parsing throughput and what it costs the event loop: the Debian FAQ PDF (73 pages) and a
// generated 240-page PDF, parsed
//   - in-thread (the baseline: the PDF engine on the event loop, as parseDocument did before the parser pool),
//   - on a DocumentParserPool of 1 worker (off the event loop, the document in one piece),
//   - on a DocumentParserPool of 2 workers (a big PDF read in two page ranges at once).
// Per mode: seconds per document (mean of BENCH_PARSE_ROUNDS after one warm-up round), pages/s, process CPU
// seconds per document (all threads), and the event loop while parsing: the longest stall (ms) and how many
// of the ticks a 5 ms interval would get it actually got.
// Build first: npx tsc -p tsconfig.build.json.  Run: node bench/retrieval/parse-documents.mjs

import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { DocumentParserPool } from '../../dist/retrieval/documents/document-parser-pool.js';
import { parseDocumentInThread } from '../../dist/retrieval/documents/parse-in-thread.js';
import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';
import { numberSetting } from '../common/settings.mjs';

const rounds = numberSetting('BENCH_PARSE_ROUNDS', 5, 1, 100);
const FAQ_PDF = `${process.env.BENCH_DEBIAN_FAQ_DIR ?? '/usr/share/doc/debian/FAQ'}/debian-faq.en.pdf.gz`;
const log = (line = '') => process.stdout.write(`${line}\n`);

async function generatedPdf(pageCount) {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let p = 1; p <= pageCount; p++) {
    const page = pdf.addPage([595, 842]);
    for (let line = 0; line < 45; line++) {
      const text = `Page ${p} line ${line}: claims are registered within two working days of notice.`;
      page.drawText(text, { x: 50, y: 800 - line * 16, size: 11, font });
    }
  }
  return pdf.save();
}

const inputs = [];
if (existsSync(FAQ_PDF))
  inputs.push({
    label: 'Debian FAQ PDF',
    fileName: 'debian-faq.en.pdf',
    bytes: gunzipSync(readFileSync(FAQ_PDF)),
  });
else log(`skipping the Debian FAQ: ${FAQ_PDF} not found (apt-get install debian-faq)`);
inputs.push({ label: 'generated PDF', fileName: 'generated.pdf', bytes: await generatedPdf(240) });

const pools = [];
const modes = [
  { label: 'in-thread (baseline)', parse: (input) => parseDocumentInThread(input) },
  ...[1, 2].map((size) => {
    const pool = new DocumentParserPool({ size });
    pools.push(pool);
    return { label: `pool, ${size} worker${size > 1 ? 's' : ''}`, parse: (input) => pool.parse(input) };
  }),
];

/** One parse with the event loop watched: a 5 ms interval counts its ticks, the histogram its stalls. */
async function measure(mode, input) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let ticks = 0;
  const interval = setInterval(() => ticks++, 5);
  delay.enable();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const doc = await mode.parse({ bytes: input.bytes, fileName: input.fileName });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  delay.disable();
  clearInterval(interval);
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    pages: doc.pages?.length ?? 0,
    maxStallMs: delay.max / 1e6,
    tickShare: ticks / Math.max(1, (seconds * 1000) / 5),
    text: doc.text,
  };
}

/**
 * How many cores two busy threads actually get here, for reading the 2-worker rows: on a shared or
 * overcommitted machine it can be far below 2, and then no split can be faster.
 */
async function parallelCapacity() {
  const spin = 'const t = Date.now(); while (Date.now() - t < 500);';
  const before = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    [0, 1].map(() => new Promise((resolve) => new Worker(spin, { eval: true }).once('exit', resolve))),
  );
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1000 / (performance.now() - started);
}
const capacity = await parallelCapacity();
log(`two busy threads got ${capacity.toFixed(2)} cores`);

const rows = [];
for (const input of inputs) {
  let reference;
  for (const mode of modes) {
    await measure(mode, input); // warm-up: PDFium loaded and JIT-warm on the thread(s) that run it
    const samples = [];
    for (let round = 0; round < rounds; round++) samples.push(await measure(mode, input));
    reference ??= samples[0].text;
    if (samples.some((s) => s.text !== reference))
      throw new Error(`${mode.label}: the text differs from the baseline's`);
    const mean = (pick) => samples.reduce((sum, s) => sum + pick(s), 0) / samples.length;
    const seconds = mean((s) => s.seconds);
    rows.push({
      input: input.label,
      mode: mode.label,
      pages: samples[0].pages,
      seconds,
      pagesPerSecond: samples[0].pages / seconds,
      cpuSeconds: mean((s) => s.cpuSeconds),
      maxStallMs: Math.max(...samples.map((s) => s.maxStallMs)),
      tickShare: mean((s) => s.tickShare),
    });
    log(`${input.label}, ${mode.label}: ${seconds.toFixed(3)} s per document`);
  }
}
await Promise.all(pools.map((pool) => pool.close()));

log();
log(
  formatMarkdownTable(
    [
      { title: 'input', value: (r) => r.input, align: 'left' },
      { title: 'mode', value: (r) => r.mode, align: 'left' },
      { title: 'pages', value: (r) => String(r.pages) },
      { title: 's/doc', value: (r) => fixed(3)(r.seconds) },
      { title: 'pages/s', value: (r) => fixed(0)(r.pagesPerSecond) },
      {
        title: 'vs baseline',
        value: (r) => {
          const base = rows.find((b) => b.input === r.input);
          return `${(base.seconds / r.seconds).toFixed(2)}×`;
        },
      },
      { title: 'CPU s/doc', value: (r) => fixed(3)(r.cpuSeconds) },
      { title: 'longest stall ms', value: (r) => fixed(0)(r.maxStallMs) },
      { title: '5 ms ticks got', value: (r) => `${(100 * r.tickShare).toFixed(0)} %` },
    ],
    rows,
  ),
);
log();
log(
  `Mean of ${rounds} rounds after a warm-up; load average ${loadavg()[0].toFixed(2)} on this machine (other work shares the cores).`,
);
