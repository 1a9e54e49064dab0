// `lakegate schema list|create|get|delete`.

import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  parseCommand,
  positionalsOf,
  splitName,
  subcommandOf,
  unknownSubcommand,
} from './command-context.js';
import {
  createSecurable,
  deleteSecurable,
  getSecurable,
  type Json,
  listSecurables,
  type SecurableKind,
} from './securable-views.js';

export const SCHEMA_USAGE = `Usage: lakegate schema <subcommand> [options]

  list <catalog>                                 the schemas of a catalog you can see
  create <catalog.schema> [--comment <text>]     a new schema (needs USE CATALOG + CREATE SCHEMA)
  get <catalog.schema>                           one schema's details
  delete <catalog.schema> [--force]              delete it; --force also deletes everything in it

${COMMON_OPTIONS_HELP}`;

export const SCHEMA_KIND: SecurableKind = { noun: 'schema', path: '/schemas', itemsKey: 'schemas' };

export async function schemaCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const picked = subcommandOf(runtime, args, SCHEMA_USAGE);
  if (!picked) return 0;
  const { sub, rest } = picked;
  const usage = SCHEMA_USAGE;
  switch (sub) {
    case 'list': {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [catalog] = positionalsOf(positionals, ['<catalog>'], usage);
      await listSecurables(ctx, SCHEMA_KIND, { catalog_name: catalog! });
      return 0;
    }
    case 'create': {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { comment: { type: 'string' } },
        usage,
      );
      if (!ctx) return 0;
      const [fullName] = positionalsOf(positionals, ['<catalog.schema>'], usage);
      const [catalog, name] = splitName(fullName!, 'catalog.schema', usage);
      const body: Json = { name, catalog_name: catalog };
      if (values.comment !== undefined) body['comment'] = values.comment;
      await createSecurable(ctx, SCHEMA_KIND, body);
      return 0;
    }
    case 'get': {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [fullName] = positionalsOf(positionals, ['<catalog.schema>'], usage);
      splitName(fullName!, 'catalog.schema', usage);
      await getSecurable(ctx, SCHEMA_KIND, fullName!);
      return 0;
    }
    case 'delete': {
      const { values, positionals, ctx } = parseCommand(runtime, rest, { force: { type: 'boolean' } }, usage);
      if (!ctx) return 0;
      const [fullName] = positionalsOf(positionals, ['<catalog.schema>'], usage);
      splitName(fullName!, 'catalog.schema', usage);
      await deleteSecurable(ctx, SCHEMA_KIND, fullName!, { force: values.force ? 'true' : 'false' });
      return 0;
    }
    default:
      throw unknownSubcommand(sub, usage);
  }
}
