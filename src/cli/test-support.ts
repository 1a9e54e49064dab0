// Runs the CLI's main() in this process as a user would run `lakegate ...`, with the environment given
// (nothing leaks in from the machine's LAKEGATE_* variables) and stdout/stderr captured.

import { main } from './main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export type Cli = (...argv: string[]) => Promise<CliRun>;

export function cliFor(env: Record<string, string | undefined>): Cli {
  return async (...argv) => {
    let stdout = '';
    let stderr = '';
    const code = await main(
      argv,
      { ...env },
      {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
      },
    );
    return { code, stdout, stderr };
  };
}

/** The CLI against a running Lakegate at `url`, with `key` as LAKEGATE_KEY. */
export function cliAt(url: string, key?: string): Cli {
  return cliFor({ LAKEGATE_URL: url, LAKEGATE_KEY: key });
}
