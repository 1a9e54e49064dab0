// `lakegate principals list|get|create|delete`: users, service principals and groups.

import { usageError } from './cli-error.js';
import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  parseCommand,
  positionalsOf,
  runSubcommand,
} from './command-context.js';
import { formatTime, renderDetails, renderTable } from './format-table.js';
import { LAKEGATE_API, segment } from './http-client.js';
import { type Json, text } from './securable-views.js';

export const PRINCIPALS_USAGE = `Usage: lakegate principals <subcommand> [options]

  list [--kind user|service|group]       every principal (or one kind)
  get <name>                             one principal
  create <name> --kind user|service|group [--display-name <text>]
                                         a new principal (metastore admins only)
  delete <name>                          delete it (its keys stop working at once)

${COMMON_OPTIONS_HELP}`;

const KINDS = ['user', 'service', 'group'];

export const isAdmin = (p: Json) => p['is_admin'] === true || p['is_admin'] === 1;

export function renderPrincipals(
  principals: readonly Json[],
  color: boolean,
  empty = 'No principals.',
): string {
  if (principals.length === 0) return empty;
  const rows = principals.map((p) => [
    text(p, 'name'),
    text(p, 'kind'),
    text(p, 'display_name'),
    isAdmin(p) ? 'yes' : 'no',
    formatTime(p['created_at']),
  ]);
  return renderTable(['NAME', 'KIND', 'DISPLAY NAME', 'ADMIN', 'CREATED'], rows, { color });
}

export function renderPrincipal(p: Json): string {
  const pairs: [string, string][] = [
    ['name', text(p, 'name')],
    ['id', text(p, 'id')],
    ['kind', text(p, 'kind')],
    ['display name', text(p, 'display_name')],
    ['admin', isAdmin(p) ? 'yes (metastore admin)' : 'no'],
    ['created', formatTime(p['created_at'])],
  ];
  if (Array.isArray(p['groups'])) {
    pairs.push(['groups', p['groups'].length === 0 ? '-' : p['groups'].join(', ')]);
  }
  return renderDetails(pairs);
}

function kindOf(value: string | undefined, usage: string): string | undefined {
  if (value === undefined) return undefined;
  const kind = value.toLowerCase();
  if (!KINDS.includes(kind))
    throw usageError(`--kind must be one of ${KINDS.join(', ')}, not "${value}"`, usage);
  return kind;
}

export function principalsCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const usage = PRINCIPALS_USAGE;
  const base = `${LAKEGATE_API}/principals`;
  return runSubcommand(runtime, args, usage, {
    list: async (rest) => {
      const { values, positionals, ctx } = parseCommand(runtime, rest, { kind: { type: 'string' } }, usage);
      if (!ctx) return 0;
      positionalsOf(positionals, [], usage);
      const kind = kindOf(values.kind, usage);
      const principals = await ctx.client.list<Json>(base, 'principals', kind ? { kind } : {});
      ctx.emit({ principals }, () => renderPrincipals(principals, ctx.color));
      return 0;
    },
    get: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<name>'], usage);
      const principal = await ctx.client.get<Json>(`${base}/${segment(name!)}`);
      ctx.emit(principal, () => renderPrincipal(principal));
      return 0;
    },
    create: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { kind: { type: 'string' }, 'display-name': { type: 'string' } },
        usage,
      );
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<name>'], usage);
      const kind = kindOf(values.kind, usage);
      if (kind === undefined) throw usageError('missing --kind user|service|group', usage);
      const body: Json = { name, kind };
      if (values['display-name'] !== undefined) body['display_name'] = values['display-name'];
      const principal = await ctx.client.post<Json>(base, body);
      ctx.emit(principal, () => `Created ${text(principal, 'kind')} ${text(principal, 'name')}.`);
      return 0;
    },
    delete: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<name>'], usage);
      const answer = await ctx.client.delete<unknown>(`${base}/${segment(name!)}`);
      ctx.emit(answer, () => `Deleted principal ${name}.`);
      return 0;
    },
  });
}
