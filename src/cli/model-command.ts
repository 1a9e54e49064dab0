// `lakegate model list|get|create|delete|versions|add-version|alias`: registered models, their
// versions and the aliases (`champion`, `prod`) that point at a version.

import { usageError } from './cli-error.js';
import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  parseCommand,
  parseNamed,
  positionalsOf,
  splitName,
} from './command-context.js';
import { formatTime, renderTable } from './format-table.js';
import { segment, UC_API } from './http-client.js';
import { inSchema, securableCommand } from './securable-command.js';
import { type Json, type SecurableKind, text } from './securable-views.js';

export const MODEL_USAGE = `Usage: lakegate model <subcommand> [options]

  list <catalog.schema>                  the registered models of a schema you can see
  get <catalog.schema.model>             one model's details and aliases
  create <catalog.schema.model> [--comment <text>]
                                         register a model
  delete <catalog.schema.model>          delete it
  versions <catalog.schema.model>        its versions
  add-version <catalog.schema.model> [--source <uri>] [--comment <text>]
                                         register a new version (needs CREATE MODEL VERSION)
  alias <catalog.schema.model> <alias> <version>
                                         point an alias at a version
  alias <catalog.schema.model> <alias> --delete
                                         remove an alias

${COMMON_OPTIONS_HELP}`;

function aliasesOf(item: Json): string {
  const aliases = item['aliases'];
  if (!Array.isArray(aliases) || aliases.length === 0) return '-';
  return (aliases as Json[]).map((a) => `${text(a, 'alias_name')}=${text(a, 'version_num')}`).join(', ');
}

export const MODEL_KIND: SecurableKind = {
  noun: 'model',
  path: '/models',
  itemsKey: 'registered_models',
  extraColumns: [['ALIASES', aliasesOf]],
  extraDetails: (item) => [['aliases', aliasesOf(item)]],
};

function renderVersions(versions: readonly Json[], color: boolean): string {
  if (versions.length === 0) return 'No versions.';
  const rows = versions.map((v) => [
    text(v, 'version'),
    text(v, 'status'),
    text(v, 'source'),
    formatTime(v['created_at']),
    text(v, 'created_by'),
    text(v, 'comment'),
  ]);
  return renderTable(['VERSION', 'STATUS', 'SOURCE', 'CREATED', 'BY', 'COMMENT'], rows, { color });
}

const modelPath = (fullName: string) => `${UC_API}/models/${segment(fullName)}`;

const MODEL_NAME = 'catalog.schema.model';

export function modelCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const usage = MODEL_USAGE;
  return securableCommand(
    runtime,
    args,
    inSchema({
      kind: MODEL_KIND,
      usage,
      createOptions: { comment: { type: 'string' } },
      createBody: ([catalog, schema, name], values) => {
        const body: Json = { name, catalog_name: catalog, schema_name: schema };
        if (values.comment !== undefined) body['comment'] = values.comment;
        return body;
      },
      more: {
        versions: async (rest) => {
          const named = parseNamed(runtime, rest, {}, usage, MODEL_NAME);
          if (!named) return 0;
          const { ctx, fullName } = named;
          const versions = await ctx.client.list<Json>(`${modelPath(fullName)}/versions`, 'model_versions');
          ctx.emit({ model_versions: versions }, () => renderVersions(versions, ctx.color));
          return 0;
        },
        'add-version': async (rest) => {
          const options = { source: { type: 'string' }, comment: { type: 'string' } } as const;
          const named = parseNamed(runtime, rest, options, usage, MODEL_NAME);
          if (!named) return 0;
          const { values, ctx, fullName, parts } = named;
          const [catalog, schema, name] = parts;
          const body: Json = { catalog_name: catalog, schema_name: schema, model_name: name };
          if (values.source !== undefined) body['source'] = values.source;
          if (values.comment !== undefined) body['comment'] = values.comment;
          const version = await ctx.client.post<Json>(`${UC_API}/models/versions`, body);
          ctx.emit(version, () => `Created version ${text(version, 'version')} of model ${fullName}.`);
          return 0;
        },
        alias: async (rest) => {
          const { values, positionals, ctx } = parseCommand(
            runtime,
            rest,
            { delete: { type: 'boolean' } },
            usage,
          );
          if (!ctx) return 0;
          const modelName = `<${MODEL_NAME}>`;
          const names = values.delete ? [modelName, '<alias>'] : [modelName, '<alias>', '<version>'];
          const [fullName, alias, versionText] = positionalsOf(positionals, names, usage);
          splitName(fullName!, MODEL_NAME, usage);
          const path = `${modelPath(fullName!)}/aliases/${segment(alias!)}`;
          if (values.delete) {
            const answer = await ctx.client.delete<unknown>(path);
            ctx.emit(answer, () => `Removed alias ${alias} of model ${fullName}.`);
            return 0;
          }
          if (!/^\d+$/.test(versionText!))
            throw usageError(`"${versionText}" is not a version number`, usage);
          const answer = await ctx.client.put<unknown>(path, { version_num: Number(versionText) });
          ctx.emit(
            answer ?? {},
            () => `Alias ${alias} of model ${fullName} now points to version ${versionText}.`,
          );
          return 0;
        },
      },
    }),
  );
}
