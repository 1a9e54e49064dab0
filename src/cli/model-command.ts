// `lakegate model list|get|create|delete|versions|add-version|alias`: registered models, their
// versions and the aliases (`champion`, `prod`) that point at a version.

import { usageError } from './cli-error.js';
import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  parseCommand,
  positionalsOf,
  splitName,
  subcommandOf,
  unknownSubcommand,
} from './command-context.js';
import { formatTime, renderTable } from './format-table.js';
import { segment, UC_API } from './http-client.js';
import { schemaObjectCommand } from './schema-object-command.js';
import { createSecurable, type Json, type SecurableKind, text } from './securable-views.js';

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

export async function modelCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const picked = subcommandOf(runtime, args, MODEL_USAGE);
  if (!picked) return 0;
  const { sub, rest } = picked;
  const usage = MODEL_USAGE;
  const common = await schemaObjectCommand(runtime, MODEL_KIND, sub, rest, usage);
  if (common !== undefined) return common;
  const modelName = '<catalog.schema.model>';
  switch (sub) {
    case 'create': {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { comment: { type: 'string' } },
        usage,
      );
      if (!ctx) return 0;
      const [fullName] = positionalsOf(positionals, [modelName], usage);
      const [catalog, schema, name] = splitName(fullName!, 'catalog.schema.model', usage);
      const body: Json = { name, catalog_name: catalog, schema_name: schema };
      if (values.comment !== undefined) body['comment'] = values.comment;
      await createSecurable(ctx, MODEL_KIND, body);
      return 0;
    }
    case 'versions': {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [fullName] = positionalsOf(positionals, [modelName], usage);
      splitName(fullName!, 'catalog.schema.model', usage);
      const versions = await ctx.client.list<Json>(`${modelPath(fullName!)}/versions`, 'model_versions');
      ctx.emit({ model_versions: versions }, () => renderVersions(versions, ctx.color));
      return 0;
    }
    case 'add-version': {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { source: { type: 'string' }, comment: { type: 'string' } },
        usage,
      );
      if (!ctx) return 0;
      const [fullName] = positionalsOf(positionals, [modelName], usage);
      const [catalog, schema, name] = splitName(fullName!, 'catalog.schema.model', usage);
      const body: Json = { catalog_name: catalog, schema_name: schema, model_name: name };
      if (values.source !== undefined) body['source'] = values.source;
      if (values.comment !== undefined) body['comment'] = values.comment;
      const version = await ctx.client.post<Json>(`${UC_API}/models/versions`, body);
      ctx.emit(version, () => `Created version ${text(version, 'version')} of model ${fullName}.`);
      return 0;
    }
    case 'alias': {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { delete: { type: 'boolean' } },
        usage,
      );
      if (!ctx) return 0;
      const names = values.delete ? [modelName, '<alias>'] : [modelName, '<alias>', '<version>'];
      const [fullName, alias, versionText] = positionalsOf(positionals, names, usage);
      splitName(fullName!, 'catalog.schema.model', usage);
      const path = `${modelPath(fullName!)}/aliases/${segment(alias!)}`;
      if (values.delete) {
        const answer = await ctx.client.delete<unknown>(path);
        ctx.emit(answer, () => `Removed alias ${alias} of model ${fullName}.`);
        return 0;
      }
      if (!/^\d+$/.test(versionText!)) throw usageError(`"${versionText}" is not a version number`, usage);
      const answer = await ctx.client.put<unknown>(path, { version_num: Number(versionText) });
      ctx.emit(
        answer ?? {},
        () => `Alias ${alias} of model ${fullName} now points to version ${versionText}.`,
      );
      return 0;
    }
    default:
      throw unknownSubcommand(sub, usage);
  }
}
