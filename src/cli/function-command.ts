// `lakegate function list|get|create|delete`. Functions are the catalog's tools: what they compute is
// their definition; running them needs EXECUTE.

import { usageError } from './cli-error.js';
import { type CliRuntime, COMMON_OPTIONS_HELP } from './command-context.js';
import { inSchema, securableCommand } from './securable-command.js';
import { type Json, type SecurableKind, text } from './securable-views.js';
import { parseColumn, parseType } from './table-command.js';

export const FUNCTION_USAGE = `Usage: lakegate function <subcommand> [options]

  list <catalog.schema>                  the functions of a schema you can see
  get <catalog.schema.function>          one function's details
  create <catalog.schema.function> [--param <name:type> ...] [--returns <type>]
         [--body SQL|EXTERNAL] [--definition <text>] [--comment <text>]
                                         register a function (a parameter is name:type, as a
                                         table's column)
  delete <catalog.schema.function>       delete it

${COMMON_OPTIONS_HELP}`;

export const FUNCTION_KIND: SecurableKind = {
  noun: 'function',
  path: '/functions',
  itemsKey: 'functions',
  extraColumns: [['RETURNS', (item) => text(item, 'data_type')]],
  extraDetails: (item) => [
    [
      'returns',
      text(item, 'full_data_type') === '-' ? text(item, 'data_type') : text(item, 'full_data_type'),
    ],
    ['body', text(item, 'routine_body')],
    ['definition', text(item, 'routine_definition')],
  ],
};

export function functionCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  return securableCommand(
    runtime,
    args,
    inSchema({
      kind: FUNCTION_KIND,
      usage: FUNCTION_USAGE,
      createOptions: {
        param: { type: 'string', multiple: true },
        returns: { type: 'string' },
        body: { type: 'string' },
        definition: { type: 'string' },
        comment: { type: 'string' },
      },
      createBody: ([catalog, schema, name], values, usage) => {
        const info: Json = { name, catalog_name: catalog, schema_name: schema };
        const params = (values.param ?? []).map((spec, i) => {
          const { nullable: _nullable, ...param } = parseColumn(spec, i, usage, '--param');
          return param;
        });
        if (params.length > 0) info['input_params'] = { parameters: params };
        if (values.returns !== undefined) {
          const returns = parseType(values.returns, '--returns', usage);
          info['data_type'] = returns.type_name;
          info['full_data_type'] = returns.type_text;
        }
        if (values.body !== undefined) {
          const body = values.body.toUpperCase();
          if (body !== 'SQL' && body !== 'EXTERNAL') {
            throw usageError(`--body must be SQL or EXTERNAL, not "${values.body}"`, usage);
          }
          info['routine_body'] = body;
        }
        if (values.definition !== undefined) info['routine_definition'] = values.definition;
        if (values.comment !== undefined) info['comment'] = values.comment;
        return { function_info: info };
      },
    }),
  );
}
