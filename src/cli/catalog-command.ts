// `lakegate catalog list|create|get|delete`.

import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  parseCommand,
  positionalsOf,
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

export const CATALOG_USAGE = `Usage: lakegate catalog <subcommand> [options]

  list                              the catalogs you can see
  create <name> [--comment <text>]  a new catalog (needs CREATE CATALOG on the metastore)
  get <name>                        one catalog's details
  delete <name> [--force]           delete it; --force also deletes everything in it

${COMMON_OPTIONS_HELP}`;

export const CATALOG_KIND: SecurableKind = { noun: 'catalog', path: '/catalogs', itemsKey: 'catalogs' };

export async function catalogCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const picked = subcommandOf(runtime, args, CATALOG_USAGE);
  if (!picked) return 0;
  const { sub, rest } = picked;
  const usage = CATALOG_USAGE;
  switch (sub) {
    case 'list': {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      positionalsOf(positionals, [], usage);
      await listSecurables(ctx, CATALOG_KIND);
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
      const [name] = positionalsOf(positionals, ['<name>'], usage);
      const body: Json = { name };
      if (values.comment !== undefined) body['comment'] = values.comment;
      await createSecurable(ctx, CATALOG_KIND, body);
      return 0;
    }
    case 'get': {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<name>'], usage);
      await getSecurable(ctx, CATALOG_KIND, name!);
      return 0;
    }
    case 'delete': {
      const { values, positionals, ctx } = parseCommand(runtime, rest, { force: { type: 'boolean' } }, usage);
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<name>'], usage);
      await deleteSecurable(ctx, CATALOG_KIND, name!, { force: values.force ? 'true' : 'false' });
      return 0;
    }
    default:
      throw unknownSubcommand(sub, usage);
  }
}
