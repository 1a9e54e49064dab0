// `lakegate catalog list|create|get|delete`.

import { type CliRuntime, COMMON_OPTIONS_HELP } from './command-context.js';
import { securableCommand } from './securable-command.js';
import type { Json, SecurableKind } from './securable-views.js';

export const CATALOG_USAGE = `Usage: lakegate catalog <subcommand> [options]

  list                              the catalogs you can see
  create <name> [--comment <text>]  a new catalog (needs CREATE CATALOG on the metastore)
  get <name>                        one catalog's details
  delete <name> [--force]           delete it; --force also deletes everything in it

${COMMON_OPTIONS_HELP}`;

export const CATALOG_KIND: SecurableKind = { noun: 'catalog', path: '/catalogs', itemsKey: 'catalogs' };

export function catalogCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  return securableCommand(runtime, args, {
    kind: CATALOG_KIND,
    usage: CATALOG_USAGE,
    nameShape: 'name',
    forceDelete: true,
    createOptions: { comment: { type: 'string' } },
    createBody: ([name], values) => {
      const body: Json = { name };
      if (values.comment !== undefined) body['comment'] = values.comment;
      return body;
    },
  });
}
