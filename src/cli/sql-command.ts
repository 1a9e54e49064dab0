// `lakegate sql "SELECT ..."` runs one statement through the SQL Statement Execution API and prints the
// rows (a table for people, JSON or CSV for scripts); `lakegate sql` alone opens an interactive prompt:
// a statement may span lines and runs at its closing `;`, the arrow keys walk the session's history, and
// `\q` quits. Every statement is governed by the server exactly as the API governs it.

import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { CliError, usageError } from './cli-error.js';
import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  type CommandContext,
  parseCommand,
} from './command-context.js';
import { escapeText, renderTable } from './format-table.js';

export const SQL_USAGE = `Usage: lakegate sql ["<statement>"] [--catalog <c>] [--schema <s>] [--param name[:TYPE]=value]...
                    [-o table|json|csv]

  Runs one SQL statement (SELECT, CREATE TABLE ... AS SELECT, INSERT INTO ... SELECT) as your principal:
  tables you may not read do not exist for you, and row filters and column masks apply.
  Without a statement, opens an interactive prompt: end a statement with ";", quit with \\q.

    --catalog <c>, --schema <s>   defaults for one- and two-part table names
    --param name[:TYPE]=value     a named parameter, used as :name (TYPE: STRING (default), INT, LONG,
                                  DOUBLE, DECIMAL(p,s), BOOLEAN, DATE, TIMESTAMP, ...); repeatable
    -o csv                        comma-separated values with a header line (besides table and json)

${COMMON_OPTIONS_HELP}`;

const API = '/api/2.0/sql/statements';
const POLL_MS = 500;

interface WireStatement {
  statement_id: string;
  status: { state: string; error?: { error_code: string; message: string } };
  manifest?: {
    schema: { columns: Array<{ name: string; type_text: string }> };
    total_row_count: number;
    truncated: boolean;
  };
  result?: WireChunk;
}

interface WireChunk {
  data_array?: Array<Array<string | null>>;
  next_chunk_internal_link?: string;
}

interface Rows {
  columns: string[];
  rows: Array<Array<string | null>>;
  truncated: boolean;
}

type Format = 'table' | 'json' | 'csv';

/** Splits `-o csv` off before the common parser (which knows table and json only). */
function takeCsv(args: string[]): { args: string[]; csv: boolean } {
  const out: string[] = [];
  let csv = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if ((arg === '-o' || arg === '--output') && args[i + 1] === 'csv') {
      csv = true;
      i++;
    } else if (arg === '--output=csv' || arg === '-ocsv') csv = true;
    else out.push(arg);
  }
  return { args: out, csv };
}

function parameterOf(text: string): { name: string; value: string; type?: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw usageError(`--param takes name=value (or name:TYPE=value), not "${text}"`, SQL_USAGE);
  const key = text.slice(0, eq);
  const value = text.slice(eq + 1);
  const colon = key.indexOf(':');
  return colon === -1
    ? { name: key, value }
    : { name: key.slice(0, colon), value, type: key.slice(colon + 1) };
}

export async function sqlCommand(runtime: CliRuntime, argv: string[]): Promise<number> {
  const { args, csv } = takeCsv(argv);
  const { values, positionals, ctx } = parseCommand(
    runtime,
    args,
    {
      catalog: { type: 'string' },
      schema: { type: 'string' },
      param: { type: 'string', multiple: true },
    },
    SQL_USAGE,
  );
  if (!ctx) return 0;
  if (positionals.length > 1) throw usageError('give the statement as one argument (quote it)', SQL_USAGE);
  const format: Format = csv ? 'csv' : ctx.output;
  const base = {
    ...(values.catalog ? { catalog: values.catalog } : {}),
    ...(values.schema ? { schema: values.schema } : {}),
    ...(values.param?.length ? { parameters: values.param.map(parameterOf) } : {}),
  };
  const [statement] = positionals;
  if (statement !== undefined) {
    const result = await runStatement(ctx, { ...base, statement });
    ctx.print(render(result, format));
    return 0;
  }
  const stdin = (runtime.io as { stdin?: Readable }).stdin ?? process.stdin;
  return interactive(ctx, runtime, stdin, base, format);
}

/** Submits, waits (polling past the server's wait), and reads every chunk. */
async function runStatement(ctx: CommandContext, body: Record<string, unknown>): Promise<Rows> {
  let reply = await ctx.client.post<WireStatement>(API, {
    ...body,
    wait_timeout: '30s',
    on_wait_timeout: 'CONTINUE',
  });
  const id = reply.statement_id;
  while (reply.status.state === 'PENDING' || reply.status.state === 'RUNNING') {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    reply = await ctx.client.get<WireStatement>(`${API}/${encodeURIComponent(id)}`);
  }
  if (reply.status.state !== 'SUCCEEDED' || !reply.manifest) {
    const error = reply.status.error;
    throw new CliError(
      error ? `${error.message} (${error.error_code})` : `The statement ended ${reply.status.state}.`,
    );
  }
  const rows = [...(reply.result?.data_array ?? [])];
  let link = reply.result?.next_chunk_internal_link;
  while (link) {
    const chunk: WireChunk = await ctx.client.get<WireChunk>(link);
    rows.push(...(chunk.data_array ?? []));
    link = chunk.next_chunk_internal_link;
  }
  return {
    columns: reply.manifest.schema.columns.map((c) => c.name),
    rows,
    truncated: reply.manifest.truncated,
  };
}

function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]/.test(value) || value === '' ? `"${value.replaceAll('"', '""')}"` : value;
}

export function render(result: Rows, format: Format): string {
  if (format === 'json') {
    return JSON.stringify(
      result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i] ?? null]))),
      null,
      2,
    );
  }
  if (format === 'csv') {
    return [result.columns, ...result.rows].map((row) => row.map(csvField).join(',')).join('\n');
  }
  const table = renderTable(
    result.columns.map(escapeText),
    result.rows.map((row) => row.map((v) => (v === null ? 'NULL' : escapeText(v)))),
  );
  const count = `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ', truncated' : ''})`;
  return `${table}\n${count}`;
}

async function interactive(
  ctx: CommandContext,
  runtime: CliRuntime,
  input: Readable,
  base: Record<string, unknown>,
  format: Format,
): Promise<number> {
  const terminal = (input as { isTTY?: boolean }).isTTY === true && runtime.io.stdout.isTTY === true;
  const lines = createInterface({
    input,
    ...(terminal ? { output: process.stdout, terminal: true, historySize: 500 } : { terminal: false }),
  });
  const prompt = (text: string) => {
    if (terminal) {
      lines.setPrompt(text);
      lines.prompt();
    }
  };
  if (terminal) ctx.note('Lakegate SQL. End statements with ";", quit with \\q.');
  let buffer = '';
  prompt('lakegate> ');
  for await (const line of lines) {
    const trimmed = line.trim();
    if (buffer === '' && (trimmed === '\\q' || trimmed === 'quit' || trimmed === 'exit')) break;
    buffer += buffer === '' ? line : `\n${line}`;
    if (trimmed.endsWith(';')) {
      const statement = buffer.trim().replace(/;\s*$/, '');
      buffer = '';
      if (statement !== '') {
        try {
          ctx.print(render(await runStatement(ctx, { ...base, statement }), format));
        } catch (error) {
          // One failed statement does not end the session.
          ctx.note(`error: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    prompt(buffer === '' ? 'lakegate> ' : '      -> ');
  }
  lines.close();
  if (buffer.trim() !== '') ctx.note('(the last statement had no closing ";" and was not run)');
  return 0;
}
