// `lakegate table list|get|create|delete|load|insert|history`. `create` registers a table with its
// columns (a managed one gets storage); load, insert and history work on that storage.

import { basename, extname } from 'node:path';
import { usageError } from './cli-error.js';
import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  type ParseArgsOptionsConfig,
  parseCommand,
  parseNamed,
  positionalsOf,
  splitName,
} from './command-context.js';
import { renderTable } from './format-table.js';
import { inSchema, securableCommand } from './securable-command.js';
import { type Json, type SecurableKind, text } from './securable-views.js';
import { tablePath, uploadForLoad, type WireWriteResult } from './table-data-client.js';
import { showsProgress, TransferProgress } from './transfer-progress.js';
import { remotePathOf } from './volume-files-client.js';

export const TABLE_USAGE = `Usage: lakegate table <subcommand> [options]

  list <catalog.schema>                  the tables of a schema you can see
  get <catalog.schema.table>             one table's details and columns
  create <catalog.schema.table> --column <name:type> [--column ...]
         [--type MANAGED|EXTERNAL|VIEW] [--format DELTA|CSV|JSON|AVRO|PARQUET|ORC|TEXT]
         [--location <url>] [--comment <text>]
                                         register a table's metadata; a column is name:type, with
                                         " not null" after the type when it has no nulls
                                         (e.g. --column "id:bigint not null" --column "note:string")
  delete <catalog.schema.table>          delete it (a managed table's rows and history too)
  load <catalog.schema.table> <local-file | /Volumes/...>
         [--mode append|overwrite|merge] [--merge-key <column> ...] [--format csv|parquet|json|jsonl]
         [--no-header] [--delimiter <char>] [--progress]
                                         load a file in one transaction: a local file is uploaded
                                         (progress on a terminal, or with --progress), a volume file
                                         is read on the server; the format comes from the extension
                                         unless given; a merge updates rows whose --merge-key
                                         columns match and inserts the others
  insert <catalog.schema.table> --json '[{"id": 1, ...}]' [--mode ...] [--merge-key <column> ...]
                                         write rows given as a JSON array of objects
  history <catalog.schema.table>         the table's versions: who wrote how many rows, when

A managed table created with columns (the default --type) gets storage: load, insert and history
work on it, and each write is a new version.

Column types: boolean tinyint smallint int bigint float double decimal(p,s) string char(n)
  varchar(n) binary date timestamp timestamp_ntz interval array<...> map<...> struct<...>

${COMMON_OPTIONS_HELP}`;

interface WireColumn {
  name: string;
  type_text: string;
  type_name: string;
  position: number;
  nullable: boolean;
}

/** Unity Catalog's ColumnTypeName for each SQL spelling of a type. */
const TYPE_NAMES: Record<string, string> = {
  boolean: 'BOOLEAN',
  bool: 'BOOLEAN',
  tinyint: 'BYTE',
  byte: 'BYTE',
  smallint: 'SHORT',
  short: 'SHORT',
  int: 'INT',
  integer: 'INT',
  bigint: 'LONG',
  long: 'LONG',
  float: 'FLOAT',
  real: 'FLOAT',
  double: 'DOUBLE',
  decimal: 'DECIMAL',
  numeric: 'DECIMAL',
  dec: 'DECIMAL',
  string: 'STRING',
  varchar: 'STRING',
  text: 'STRING',
  char: 'CHAR',
  binary: 'BINARY',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  timestamp_ntz: 'TIMESTAMP_NTZ',
  interval: 'INTERVAL',
  array: 'ARRAY',
  map: 'MAP',
  struct: 'STRUCT',
};

/** A SQL type (`decimal(10,2)`, `array<string>`, with " not null" after it when it has no nulls) for UC. */
export function parseType(
  spec: string,
  flag: string,
  usage: string,
): { type_text: string; type_name: string; nullable: boolean } {
  let type = spec.trim();
  const notNull = /\s+not\s+null$/i.exec(type);
  if (notNull) type = type.slice(0, notNull.index).trim();
  const base = /^[a-z_]+/i.exec(type)?.[0]?.toLowerCase() ?? '';
  const typeName = TYPE_NAMES[base];
  if (!typeName || !/^[a-z_]+(\s*[(<].*[)>])?$/is.test(type)) {
    throw usageError(`${flag}: "${type}" is not a type this CLI knows`, usage);
  }
  return { type_text: type.toLowerCase(), type_name: typeName, nullable: !notNull };
}

/** `name:type` as a UC column; the type may itself hold colons (`struct<a:int>`). */
export function parseColumn(spec: string, position: number, usage: string, flag = '--column'): WireColumn {
  const colon = spec.indexOf(':');
  const name = colon === -1 ? '' : spec.slice(0, colon).trim();
  const type = colon === -1 ? '' : spec.slice(colon + 1).trim();
  if (!name || !type) throw usageError(`${flag} "${spec}" is not of the form name:type`, usage);
  return { name, position, ...parseType(type, `${flag} ${name}`, usage) };
}

function renderColumns(item: Json): string | undefined {
  const columns = item['columns'];
  if (!Array.isArray(columns) || columns.length === 0) return undefined;
  const rows = (columns as Json[]).map((c) => [
    text(c, 'name'),
    typeof c['type_text'] === 'string' ? c['type_text'] : text(c, 'type_name'),
    c['nullable'] === false ? 'no' : 'yes',
    text(c, 'comment'),
  ]);
  return renderTable(['COLUMN', 'TYPE', 'NULLABLE', 'COMMENT'], rows);
}

export const TABLE_KIND: SecurableKind = {
  noun: 'table',
  path: '/tables',
  itemsKey: 'tables',
  extraColumns: [['TYPE', (item) => text(item, 'table_type')]],
  extraDetails: (item) => [
    ['type', text(item, 'table_type')],
    ['format', text(item, 'data_source_format')],
    ['location', text(item, 'storage_location')],
  ],
  trailer: renderColumns,
};

const TABLE_TYPES = ['MANAGED', 'EXTERNAL', 'VIEW'];

const MODES = ['append', 'overwrite', 'merge'];
const FORMATS: Record<string, string> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

const WRITE_OPTIONS = {
  mode: { type: 'string' },
  // Not --key: that is every command's API key.
  'merge-key': { type: 'string', multiple: true },
} as const satisfies ParseArgsOptionsConfig;

function writeMode(values: { mode?: string | undefined; 'merge-key'?: string[] | undefined }, usage: string) {
  const mode = (values.mode ?? 'append').toLowerCase();
  if (!MODES.includes(mode))
    throw usageError(`--mode must be one of ${MODES.join(', ')}, not "${values.mode}"`, usage);
  const keys = (values['merge-key'] ?? [])
    .flatMap((k) => k.split(','))
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (mode === 'merge' && keys.length === 0) throw usageError('a merge needs --merge-key <column>', usage);
  if (mode !== 'merge' && keys.length > 0)
    throw usageError('--merge-key applies to --mode merge only', usage);
  return { mode, keys };
}

function describeWrite(fullName: string, result: WireWriteResult): string {
  const updated = result.rows_updated > 0 ? `, ${result.rows_updated} updated` : '';
  return (
    `Wrote version ${result.version} of ${fullName}: ${result.rows_added} rows added, ` +
    `${result.rows_removed} removed${updated}; ${result.rows_total} rows in total.`
  );
}

/** `load <table> <file | /Volumes/...>`: a volume file is read by the server, a local one uploaded. */
async function loadCommand(runtime: CliRuntime, rest: string[]): Promise<number> {
  const { values, positionals, ctx } = parseCommand(
    runtime,
    rest,
    {
      ...WRITE_OPTIONS,
      format: { type: 'string' },
      'no-header': { type: 'boolean' },
      delimiter: { type: 'string' },
      progress: { type: 'boolean' },
    },
    TABLE_USAGE,
  );
  if (!ctx) return 0;
  const [fullName, source] = positionalsOf(positionals, ['<catalog.schema.table>', '<file>'], TABLE_USAGE);
  splitName(fullName!, 'catalog.schema.table', TABLE_USAGE);
  const { mode, keys } = writeMode(values, TABLE_USAGE);
  const delimiter = values.delimiter ?? (extname(source!).toLowerCase() === '.tsv' ? '\t' : undefined);
  const format = (values.format ?? FORMATS[extname(source!).toLowerCase()])?.toLowerCase();
  if (format === undefined) {
    throw usageError(`cannot tell the format of "${source}" from its name: give --format`, TABLE_USAGE);
  }
  if (!Object.values(FORMATS).includes(format)) {
    throw usageError(`--format must be csv, parquet, json or jsonl, not "${values.format}"`, TABLE_USAGE);
  }
  const header = values['no-header'] === true ? false : undefined;
  let result: WireWriteResult;
  const volumePath = remotePathOf(source!);
  if (volumePath) {
    result = await ctx.client.post<WireWriteResult>(tablePath(fullName!, 'load'), {
      mode,
      ...(keys.length > 0 ? { keys } : {}),
      format,
      ...(header !== undefined || delimiter !== undefined
        ? {
            options: {
              ...(header !== undefined ? { header } : {}),
              ...(delimiter !== undefined ? { delimiter } : {}),
            },
          }
        : {}),
      source: { volume_path: volumePath },
    });
  } else {
    const { stderr } = runtime.io;
    const show = showsProgress(stderr, values.progress);
    result = await uploadForLoad(fullName!, source!, {
      baseUrl: ctx.client.baseUrl,
      key: values.key ?? runtime.env.LAKEGATE_KEY,
      ...(runtime.io.fetch ? { fetch: runtime.io.fetch } : {}),
      query: {
        mode,
        format,
        ...(keys.length > 0 ? { keys: keys.join(',') } : {}),
        ...(header !== undefined ? { header: String(header) } : {}),
        ...(delimiter !== undefined ? { delimiter } : {}),
      },
      progress: (total) =>
        show ? new TransferProgress(stderr, `${basename(source!)} -> ${fullName}`, total) : undefined,
    });
  }
  ctx.emit(result, () => describeWrite(fullName!, result));
  return 0;
}

async function insertCommand(runtime: CliRuntime, rest: string[]): Promise<number> {
  const named = parseNamed(
    runtime,
    rest,
    { ...WRITE_OPTIONS, json: { type: 'string' } },
    TABLE_USAGE,
    'catalog.schema.table',
  );
  if (!named) return 0;
  const { mode, keys } = writeMode(named.values, TABLE_USAGE);
  if (named.values.json === undefined)
    throw usageError('insert needs --json with an array of rows', TABLE_USAGE);
  let rows: unknown;
  try {
    rows = JSON.parse(named.values.json);
  } catch {
    throw usageError('--json is not valid JSON', TABLE_USAGE);
  }
  if (!Array.isArray(rows)) rows = [rows];
  const result = await named.ctx.client.post<WireWriteResult>(tablePath(named.fullName, 'rows'), {
    mode,
    ...(keys.length > 0 ? { keys } : {}),
    rows,
  });
  named.ctx.emit(result, () => describeWrite(named.fullName, result));
  return 0;
}

async function historyCommand(runtime: CliRuntime, rest: string[]): Promise<number> {
  const named = parseNamed(runtime, rest, {}, TABLE_USAGE, 'catalog.schema.table');
  if (!named) return 0;
  const body = await named.ctx.client.get<{ versions: Json[] }>(tablePath(named.fullName, 'history'));
  named.ctx.emit(body, () =>
    renderTable(
      ['VERSION', 'OPERATION', 'PRINCIPAL', 'TIMESTAMP', 'ADDED', 'REMOVED', 'UPDATED', 'TOTAL', 'READABLE'],
      body.versions.map((v) => [
        String(v['version']),
        text(v, 'operation'),
        text(v, 'principal'),
        text(v, 'timestamp'),
        String(v['rows_added']),
        String(v['rows_removed']),
        String(v['rows_updated']),
        String(v['rows_total']),
        v['readable'] === false ? 'no' : 'yes',
      ]),
    ),
  );
  return 0;
}

export function tableCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  return securableCommand(
    runtime,
    args,
    inSchema({
      kind: TABLE_KIND,
      usage: TABLE_USAGE,
      createOptions: {
        column: { type: 'string', multiple: true },
        type: { type: 'string' },
        format: { type: 'string' },
        location: { type: 'string' },
        comment: { type: 'string' },
      },
      createBody: ([catalog, schema, name], values, usage) => {
        const columns = (values.column ?? []).map((spec, i) => parseColumn(spec, i, usage));
        const tableType = (values.type ?? 'MANAGED').toUpperCase();
        if (!TABLE_TYPES.includes(tableType)) {
          throw usageError(`--type must be one of ${TABLE_TYPES.join(', ')}, not "${values.type}"`, usage);
        }
        if (columns.length === 0 && tableType !== 'VIEW') {
          throw usageError('a table needs at least one --column name:type', usage);
        }
        const body: Json = {
          name,
          catalog_name: catalog,
          schema_name: schema,
          table_type: tableType,
          columns,
        };
        if (values.format !== undefined) body['data_source_format'] = values.format.toUpperCase();
        if (values.location !== undefined) body['storage_location'] = values.location;
        if (values.comment !== undefined) body['comment'] = values.comment;
        return body;
      },
      more: {
        load: (rest) => loadCommand(runtime, rest),
        insert: (rest) => insertCommand(runtime, rest),
        history: (rest) => historyCommand(runtime, rest),
      },
    }),
  );
}
