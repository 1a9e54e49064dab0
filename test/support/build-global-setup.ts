// Tests that start Lakegate in a child process (several replicas on one Redis, engines hammering one
// limit) run the compiled dist/. `npm test` builds it first; this builds it once more before any test
// runs, so that a bare `npx vitest` never runs a stale build, and no test has to rebuild it while
// another one is reading it. The build is incremental (about two seconds) and emits even when a file
// has a type error (tsc --noEmit in `npm test` reports those), so a failed build is only a warning.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export default function buildDist(): void {
  const root = join(import.meta.dirname, '..', '..');
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    console.warn(
      `building dist/ for the child-process tests reported problems:\n${result.stdout}${result.stderr}`,
    );
  }
}
