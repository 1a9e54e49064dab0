// What every catalog command shares: the common options (--url, --key, --output, --help), argument
// parsing that turns mistakes into usage errors (exit 2), the client for the running server, and output
// as a table for people or as the server's raw JSON for scripts.

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { usageError } from './cli-error.js';
import { DEFAULT_URL, LakegateClient } from './http-client.js';

export type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface Writer {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Where a command writes, and how it reaches the server; injected by tests. */
export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  fetch?: typeof fetch;
}

export interface CliRuntime {
  env: NodeJS.ProcessEnv;
  io: CliIo;
}

export const COMMON_OPTIONS_HELP = `Common options:
  --url <url>             Lakegate's address (default: LAKEGATE_URL, else ${DEFAULT_URL})
  --key <key>             API key (default: LAKEGATE_KEY)
  -o, --output table|json table for people (default), or the server's raw JSON
  -h, --help              show this help
`;

const COMMON = {
  url: { type: 'string' },
  key: { type: 'string' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

export type Output = 'table' | 'json';

export class CommandContext {
  readonly output: Output;
  readonly color: boolean;
  private clientInstance: LakegateClient | undefined;

  constructor(
    private readonly runtime: CliRuntime,
    private readonly settings: { url: string; key: string | undefined; output: Output },
  ) {
    this.output = settings.output;
    const { env, io } = runtime;
    // Colour only on a terminal, and never when NO_COLOR asks for none (no-color.org).
    this.color = io.stdout.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  }

  /** Created on first use, so `--help` and usage errors never need a reachable server. */
  get client(): LakegateClient {
    this.clientInstance ??= new LakegateClient({
      url: this.settings.url,
      key: this.settings.key,
      ...(this.runtime.io.fetch ? { fetch: this.runtime.io.fetch } : {}),
    });
    return this.clientInstance;
  }

  /** A client of the same server that authenticates with another key (the demo acts as its users). */
  clientWithKey(key: string): LakegateClient {
    return new LakegateClient({
      url: this.settings.url,
      key,
      ...(this.runtime.io.fetch ? { fetch: this.runtime.io.fetch } : {}),
    });
  }

  /** Writes a line (or lines) to stdout. */
  print(text: string): void {
    this.runtime.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Writes a note to stderr, so it never mixes into what a script reads from stdout. */
  note(text: string): void {
    this.runtime.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The raw JSON with --output json, else the text `render` makes of it. */
  emit(raw: unknown, render: () => string): void {
    this.print(this.output === 'json' ? JSON.stringify(raw, null, 2) : render());
  }
}

export interface ParsedCommand<T extends ParseArgsOptionsConfig> {
  values: ReturnType<
    typeof parseArgs<{ options: typeof COMMON & T; allowPositionals: true; strict: true }>
  >['values'];
  positionals: string[];
  /** Undefined when --help was asked for (the usage has then been printed). */
  ctx: CommandContext | undefined;
}

/** Parses a command's arguments with the common options added; a mistake is a usage error (exit 2). */
export function parseCommand<T extends ParseArgsOptionsConfig>(
  runtime: CliRuntime,
  args: string[],
  options: T,
  usage: string,
): ParsedCommand<T> {
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof COMMON & T; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error), usage);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values['help'] === true) {
    runtime.io.stdout.write(usage);
    return { values: parsed.values, positionals: parsed.positionals, ctx: undefined };
  }
  const output = (values['output'] as string | undefined) ?? 'table';
  if (output !== 'table' && output !== 'json') {
    throw usageError(`--output must be table or json, not "${output}".`, usage);
  }
  const url = (values['url'] as string | undefined) ?? runtime.env.LAKEGATE_URL ?? DEFAULT_URL;
  const key = (values['key'] as string | undefined) ?? runtime.env.LAKEGATE_KEY;
  return {
    values: parsed.values,
    positionals: parsed.positionals,
    ctx: new CommandContext(runtime, { url, key, output }),
  };
}

/** Exactly the positional arguments named (`<catalog>`, ...), or a usage error naming what is missing. */
export function positionalsOf(
  positionals: readonly string[],
  names: readonly string[],
  usage: string,
): string[] {
  if (positionals.length < names.length) {
    throw usageError(`missing ${names.slice(positionals.length).join(' ')}`, usage);
  }
  if (positionals.length > names.length) {
    throw usageError(`unexpected argument "${positionals[names.length]}"`, usage);
  }
  return [...positionals];
}

/** A dotted name of the given shape (`catalog.schema.table`), split into its parts, else a usage error. */
export function splitName(fullName: string, shape: string, usage: string): string[] {
  const pieces = fullName.split('.');
  if (pieces.length !== shape.split('.').length || pieces.some((p) => p === '')) {
    throw usageError(`"${fullName}" is not of the form ${shape}`, usage);
  }
  return pieces;
}

/**
 * parseCommand for a command whose one positional is a name of the given shape (`catalog.schema.table`,
 * or `name` for a catalog's), split into its parts when it has dots; undefined when --help was asked for.
 */
export function parseNamed<T extends ParseArgsOptionsConfig>(
  runtime: CliRuntime,
  args: string[],
  options: T,
  usage: string,
  shape: string,
):
  | { values: ParsedCommand<T>['values']; ctx: CommandContext; fullName: string; parts: string[] }
  | undefined {
  const { values, positionals, ctx } = parseCommand(runtime, args, options, usage);
  if (!ctx) return undefined;
  const [fullName] = positionalsOf(positionals, [`<${shape}>`], usage);
  const parts = shape.includes('.') ? splitName(fullName!, shape, usage) : [fullName!];
  return { values, ctx, fullName: fullName!, parts };
}

/** What a command group runs for each of its subcommands, given the arguments after the subcommand. */
export type Subcommands = Record<string, (rest: string[]) => Promise<number>>;

/**
 * Runs the subcommand `args` names: the usage on stdout for help, a usage error (exit 2) when it is
 * missing or not one of `subcommands`.
 */
export async function runSubcommand(
  runtime: CliRuntime,
  args: string[],
  usage: string,
  subcommands: Subcommands,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    runtime.io.stdout.write(usage);
    return 0;
  }
  if (sub === undefined) throw usageError('missing a subcommand', usage);
  const run = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
  if (!run) throw usageError(`unknown subcommand "${sub}"`, usage);
  return run(rest);
}
