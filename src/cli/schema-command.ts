// `lakegate schema list|create|get|delete`.

import { type CliRuntime, COMMON_OPTIONS_HELP } from './command-context.js';
import { securableCommand } from './securable-command.js';
import type { Json, SecurableKind } from './securable-views.js';

export const SCHEMA_USAGE = `Usage: lakegate schema <subcommand> [options]

  list <catalog>                                 the schemas of a catalog you can see
  create <catalog.schema> [--comment <text>]     a new schema (needs USE CATALOG + CREATE SCHEMA)
  get <catalog.schema>                           one schema's details
  delete <catalog.schema> [--force]              delete it; --force also deletes everything in it

${COMMON_OPTIONS_HELP}`;

export const SCHEMA_KIND: SecurableKind = { noun: 'schema', path: '/schemas', itemsKey: 'schemas' };

export function schemaCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  return securableCommand(runtime, args, {
    kind: SCHEMA_KIND,
    usage: SCHEMA_USAGE,
    nameShape: 'catalog.schema',
    parentShape: 'catalog',
    forceDelete: true,
    createOptions: { comment: { type: 'string' } },
    createBody: ([catalog, name], values) => {
      const body: Json = { name, catalog_name: catalog };
      if (values.comment !== undefined) body['comment'] = values.comment;
      return body;
    },
  });
}
