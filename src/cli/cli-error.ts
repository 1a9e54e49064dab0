// A failure the CLI reports in one line on stderr, with its exit code: 1 for an error, 2 for bad usage
// (in which case the command's usage follows the message).

export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: 1 | 2;
  /** The usage text to print after the message (usage errors only). */
  readonly usage: string | undefined;

  constructor(message: string, exitCode: 1 | 2 = 1, usage?: string) {
    super(message);
    this.exitCode = exitCode;
    this.usage = usage;
  }
}

export function usageError(message: string, usage: string): CliError {
  return new CliError(message, 2, usage);
}
