// The gateway loads the parts of undici it uses, not the package's index (fetch, WebSocket, EventSource,
// the HTTP cache...): 5–6 MB of resident memory in every process. Checked in a child process on the
// built CLI (the test setup builds dist/ first): vitest's own process has loaded the whole package.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../../dist/cli/index.js', import.meta.url));
const UNDICI_FOLDER = '/node_modules/undici/';

/** The undici files a fresh process has loaded once it has imported the whole CLI, server included. */
function undiciFilesLoadedByTheCli(): string[] {
  const script = `
    import { createRequire } from 'node:module';
    await import(${JSON.stringify(cli)});
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    process.stdout.write(JSON.stringify(loaded.filter((file) => file.includes(${JSON.stringify(UNDICI_FOLDER)}))));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  // Paths inside the package, e.g. lib/dispatcher/agent.js.
  return (JSON.parse(out) as string[]).map((file) =>
    file.slice(file.indexOf(UNDICI_FOLDER) + UNDICI_FOLDER.length),
  );
}

describe('undici parts', () => {
  it('the CLI and server load undici’s Agent, errors and request API, not its index', () => {
    const files = undiciFilesLoadedByTheCli();
    expect(files).toContain('lib/dispatcher/agent.js');
    expect(files).toContain('lib/core/errors.js');
    expect(files).toContain('lib/api/api-request.js');
    expect(files).not.toContain('index.js');
    expect(files.filter((file) => file.startsWith('lib/web/fetch/'))).toEqual([]);
  });
});
