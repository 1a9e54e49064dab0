// What the native load generators (wrk, h2load) share: telling whether one is installed, and running it
// once with its files (script, body, log) in a folder of their own, removed afterwards.

import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The version `command --version` prints (the first group of `pattern`), or undefined when not installed. */
export function installedVersion(command, pattern) {
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (probe.error) return undefined;
  // wrk prints its version with its usage and exits 1: the text is what counts, not the status.
  return pattern.exec(`${probe.stdout}${probe.stderr}`)?.[1] ?? 'unknown version';
}

/** `run(folder, client)` with a fresh folder; `client(args)` runs `command` and resolves with its stdout. */
export async function inScratchFolder(command, run) {
  const folder = mkdtempSync(join(tmpdir(), `lakegate-${command}-`));
  const client = (args) =>
    new Promise((resolve, reject) => {
      execFile(command, args, (error, stdout, stderr) =>
        error ? reject(new Error(`${command} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
  try {
    return await run(folder, client);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
