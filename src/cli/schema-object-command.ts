// The subcommands every object inside a schema has alike (tables, volumes, functions, models):
// `list <catalog.schema>`, `get <c.s.name>`, `delete <c.s.name>`. Each type's file adds `create`.

import { type CliRuntime, parseCommand, positionalsOf, splitName } from './command-context.js';
import { deleteSecurable, getSecurable, listSecurables, type SecurableKind } from './securable-views.js';

/** Runs list/get/delete and returns its exit code, or undefined when `sub` is not one of them. */
export async function schemaObjectCommand(
  runtime: CliRuntime,
  kind: SecurableKind,
  sub: string,
  rest: string[],
  usage: string,
): Promise<number | undefined> {
  const objectName = `<catalog.schema.${kind.noun}>`;
  switch (sub) {
    case 'list': {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [schema] = positionalsOf(positionals, ['<catalog.schema>'], usage);
      const [catalog, name] = splitName(schema!, 'catalog.schema', usage);
      await listSecurables(ctx, kind, { catalog_name: catalog!, schema_name: name! });
      return 0;
    }
    case 'get':
    case 'delete': {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [fullName] = positionalsOf(positionals, [objectName], usage);
      splitName(fullName!, `catalog.schema.${kind.noun}`, usage);
      if (sub === 'get') await getSecurable(ctx, kind, fullName!);
      else await deleteSecurable(ctx, kind, fullName!);
      return 0;
    }
    default:
      return undefined;
  }
}
