// `npm run bench:retrieval`: both parts of the retrieval bench, each in its own process so that neither
// measures the other's heap — `engine` (run.mjs: QPS and recall@10 on 100k clustered vectors, needs
// --expose-gc) and `quality` (quality.mjs: recall@5 / MRR@10 on two corpora, ingestion pages/s).
// BENCH_PART=engine|quality runs one of them; unset or `all` runs both.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PARTS = {
  engine: ['--expose-gc', fileURLToPath(new URL('run.mjs', import.meta.url))],
  quality: [fileURLToPath(new URL('quality.mjs', import.meta.url))],
};
const part = process.env.BENCH_PART || 'all';
if (part !== 'all' && !(part in PARTS)) {
  process.stderr.write(`BENCH_PART=${part}: expected engine, quality or all\n`);
  process.exit(2);
}
for (const name of part === 'all' ? Object.keys(PARTS) : [part]) {
  const child = spawnSync(process.execPath, PARTS[name], { stdio: 'inherit' });
  if (child.status !== 0) {
    process.stderr.write(
      `retrieval bench part "${name}" failed (${child.signal ?? `exit ${child.status}`})\n`,
    );
    process.exit(child.status ?? 1);
  }
}
