// `lakegate table list|get|create|delete`. `create` registers the table's metadata (its columns) in
// the catalog; loading data is another command's job.

import { usageError } from './cli-error.js';
import { type CliRuntime, COMMON_OPTIONS_HELP } from './command-context.js';
import { renderTable } from './format-table.js';
import { inSchema, securableCommand } from './securable-command.js';
import { type Json, type SecurableKind, text } from './securable-views.js';

export const TABLE_USAGE = `Usage: lakegate table <subcommand> [options]

  list <catalog.schema>                  the tables of a schema you can see
  get <catalog.schema.table>             one table's details and columns
  create <catalog.schema.table> --column <name:type> [--column ...]
         [--type MANAGED|EXTERNAL|VIEW] [--format DELTA|CSV|JSON|AVRO|PARQUET|ORC|TEXT]
         [--location <url>] [--comment <text>]
                                         register a table's metadata; a column is name:type, with
                                         " not null" after the type when it has no nulls
                                         (e.g. --column "id:bigint not null" --column "note:string")
  delete <catalog.schema.table>          delete it

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
    }),
  );
}
