// `lakegate volume list|get|create|delete`.

import { usageError } from './cli-error.js';
import { type CliRuntime, COMMON_OPTIONS_HELP } from './command-context.js';
import { inSchema, securableCommand } from './securable-command.js';
import { type Json, type SecurableKind, text } from './securable-views.js';

export const VOLUME_USAGE = `Usage: lakegate volume <subcommand> [options]

  list <catalog.schema>                  the volumes of a schema you can see
  get <catalog.schema.volume>            one volume's details
  create <catalog.schema.volume> [--type MANAGED|EXTERNAL] [--location <url>] [--comment <text>]
                                         a new volume (an EXTERNAL one needs --location)
  delete <catalog.schema.volume>         delete it

${COMMON_OPTIONS_HELP}`;

export const VOLUME_KIND: SecurableKind = {
  noun: 'volume',
  path: '/volumes',
  itemsKey: 'volumes',
  extraColumns: [['TYPE', (item) => text(item, 'volume_type')]],
  extraDetails: (item) => [
    ['type', text(item, 'volume_type')],
    ['location', text(item, 'storage_location')],
  ],
};

export function volumeCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  return securableCommand(
    runtime,
    args,
    inSchema({
      kind: VOLUME_KIND,
      usage: VOLUME_USAGE,
      createOptions: { type: { type: 'string' }, location: { type: 'string' }, comment: { type: 'string' } },
      createBody: ([catalog, schema, name], values, usage) => {
        const volumeType = (values.type ?? (values.location ? 'EXTERNAL' : 'MANAGED')).toUpperCase();
        if (volumeType !== 'MANAGED' && volumeType !== 'EXTERNAL') {
          throw usageError(`--type must be MANAGED or EXTERNAL, not "${values.type}"`, usage);
        }
        const body: Json = { name, catalog_name: catalog, schema_name: schema, volume_type: volumeType };
        if (values.location !== undefined) body['storage_location'] = values.location;
        if (values.comment !== undefined) body['comment'] = values.comment;
        return body;
      },
    }),
  );
}
