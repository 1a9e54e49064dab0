// The subcommands every catalog object has alike (catalogs, schemas, and the tables, volumes, functions
// and models in a schema): `list`, `create`, `get <name>` and `delete <name>`. Each type's file says how
// its names are written and what `create` sends, and may add subcommands of its own.

import {
  type CliRuntime,
  type ParseArgsOptionsConfig,
  type ParsedCommand,
  parseCommand,
  parseNamed,
  positionalsOf,
  runSubcommand,
  type Subcommands,
} from './command-context.js';
import {
  createSecurable,
  deleteSecurable,
  getSecurable,
  type Json,
  listSecurables,
  type SecurableKind,
} from './securable-views.js';

export interface SecurableCommand<T extends ParseArgsOptionsConfig> {
  kind: SecurableKind;
  usage: string;
  /** How its full name is written: `name` for a catalog, `catalog.schema` for a schema, ... */
  nameShape: string;
  /** The name `list` takes, of what it lists the objects in (`catalog.schema`); none to list them all. */
  parentShape?: string;
  /** `delete --force`: delete everything inside too. */
  forceDelete?: boolean;
  /** `create`'s options, and the body it posts, from the name's parts and the options given. */
  createOptions: T;
  createBody: (parts: string[], values: ParsedCommand<T>['values'], usage: string) => Json;
  /** Subcommands of this type only. */
  more?: Subcommands;
}

/** An object in a schema: named `catalog.schema.<noun>`, listed by schema, deleted without --force. */
export function inSchema<T extends ParseArgsOptionsConfig>(
  spec: Omit<SecurableCommand<T>, 'nameShape' | 'parentShape' | 'forceDelete'>,
): SecurableCommand<T> {
  return { ...spec, nameShape: `catalog.schema.${spec.kind.noun}`, parentShape: 'catalog.schema' };
}

/** `list [<parent>]`: the parent's parts as the query (`catalog_name`, `schema_name`). */
async function list(
  runtime: CliRuntime,
  rest: string[],
  kind: SecurableKind,
  usage: string,
  parent?: string,
) {
  if (parent === undefined) {
    const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
    if (!ctx) return 0;
    positionalsOf(positionals, [], usage);
    await listSecurables(ctx, kind);
    return 0;
  }
  const named = parseNamed(runtime, rest, {}, usage, parent);
  if (!named) return 0;
  const query = Object.fromEntries(parent.split('.').map((part, i) => [`${part}_name`, named.parts[i]!]));
  await listSecurables(named.ctx, kind, query);
  return 0;
}

/** Runs `lakegate <kind> <subcommand>` for the kind `spec` describes. */
export function securableCommand<T extends ParseArgsOptionsConfig>(
  runtime: CliRuntime,
  args: string[],
  spec: SecurableCommand<T>,
): Promise<number> {
  const { kind, usage, nameShape } = spec;
  return runSubcommand(runtime, args, usage, {
    list: (rest) => list(runtime, rest, kind, usage, spec.parentShape),
    create: async (rest) => {
      const named = parseNamed(runtime, rest, spec.createOptions, usage, nameShape);
      if (!named) return 0;
      await createSecurable(named.ctx, kind, spec.createBody(named.parts, named.values, usage));
      return 0;
    },
    get: async (rest) => {
      const named = parseNamed(runtime, rest, {}, usage, nameShape);
      if (!named) return 0;
      await getSecurable(named.ctx, kind, named.fullName);
      return 0;
    },
    delete: async (rest) => {
      const options: ParseArgsOptionsConfig = spec.forceDelete ? { force: { type: 'boolean' } } : {};
      const named = parseNamed(runtime, rest, options, usage, nameShape);
      if (!named) return 0;
      const query: Record<string, string> = spec.forceDelete
        ? { force: named.values.force ? 'true' : 'false' }
        : {};
      await deleteSecurable(named.ctx, kind, named.fullName, query);
      return 0;
    },
    ...spec.more,
  });
}
