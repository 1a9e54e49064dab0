// `lakegate grant`, `lakegate revoke` and `lakegate permissions`: the permissions endpoint of the
// Unity Catalog API, in the SQL-like form people already type in Databricks.

import { SECURABLE_TYPES } from '../catalog/index.js';
import { usageError } from './cli-error.js';
import { type CliRuntime, COMMON_OPTIONS_HELP, parseCommand, positionalsOf } from './command-context.js';
import { renderTable } from './format-table.js';
import { segment, UC_API } from './http-client.js';
import { type Json, text } from './securable-views.js';

export const GRANT_USAGE = `Usage: lakegate grant <PRIVILEGE[,PRIVILEGE...]> on <securable_type> <full_name> to <principal>
       lakegate revoke <PRIVILEGE[,PRIVILEGE...]> on <securable_type> <full_name> from <principal>
       lakegate permissions <securable_type> <full_name> [--principal <name>]

  Privileges are written as in Unity Catalog: SELECT, USE_CATALOG (or "USE CATALOG"), QUERY,
  ALL_PRIVILEGES, ... Several are separated by commas.
  Securable types: metastore catalog schema table view volume function model vector_index
  knowledge_base guardrail prompt agent serving_endpoint
  (the metastore's full name is "metastore" and may be left out).

Examples:
  lakegate grant USE_CATALOG on catalog main to analysts
  lakegate grant USE_SCHEMA,SELECT on schema main.claims to analysts
  lakegate grant QUERY on serving_endpoint claims-assistant to claims-bot
  lakegate revoke SELECT on table main.claims.raw from analysts
  lakegate permissions table main.claims.raw

${COMMON_OPTIONS_HELP}`;

/** The catalog's securable types as the wire spells them (UC calls a model `registered_model`). */
const WIRE_SECURABLE_TYPES: readonly string[] = SECURABLE_TYPES.map((type) =>
  type === 'model' ? 'registered_model' : type,
);

/** The wire's securable type: UC calls a model `registered_model`; dashes are accepted for underscores. */
export function wireSecurableType(type: string, usage: string): string {
  const normalized = type.toLowerCase().replace(/-/g, '_');
  const wire = normalized === 'model' ? 'registered_model' : normalized;
  if (!WIRE_SECURABLE_TYPES.includes(wire)) {
    throw usageError(`"${type}" is not a securable type (one of: ${WIRE_SECURABLE_TYPES.join(', ')})`, usage);
  }
  return wire;
}

/** `USE CATALOG, select` -> ['USE_CATALOG', 'SELECT']: UC's wire spelling. */
export function parsePrivileges(words: readonly string[], usage: string): string[] {
  const privileges = words
    .join(' ')
    .split(',')
    .map((p) => p.trim().replace(/\s+/g, '_').toUpperCase())
    .filter((p) => p !== '');
  const bad = privileges.find((p) => !/^[A-Z]+(_[A-Z]+)*$/.test(p));
  if (bad !== undefined) throw usageError(`"${bad}" is not a privilege`, usage);
  if (privileges.length === 0) throw usageError('missing the privileges to grant', usage);
  return privileges;
}

const permissionsPath = (type: string, fullName: string) =>
  `${UC_API}/permissions/${segment(type)}/${segment(fullName)}`;

interface Target {
  type: string;
  fullName: string;
}

/** `on <type> [<name>]` up to the keyword (`to` / `from`); the metastore's name may be left out. */
function parseTarget(
  words: readonly string[],
  keyword: string,
  usage: string,
): { target: Target; next: number } {
  const on = words.findIndex((w) => w.toLowerCase() === 'on');
  if (on === -1) throw usageError('missing "on <securable_type> <full_name>"', usage);
  const typeWord = words[on + 1];
  if (typeWord === undefined) throw usageError('missing the securable type after "on"', usage);
  const type = wireSecurableType(typeWord, usage);
  let fullName = words[on + 2];
  let next = on + 3;
  if (type === 'metastore' && (fullName === undefined || fullName.toLowerCase() === keyword)) {
    fullName = 'metastore';
    next = on + 2;
  }
  if (fullName === undefined || fullName.toLowerCase() === keyword) {
    throw usageError(`missing the full name of the ${typeWord}`, usage);
  }
  return { target: { type, fullName }, next };
}

function renderAssignments(answer: Json, target: Target, color: boolean): string {
  const assignments = Array.isArray(answer['privilege_assignments'])
    ? (answer['privilege_assignments'] as Json[])
    : [];
  const rows = assignments
    .map((a) => [text(a, 'principal'), Array.isArray(a['privileges']) ? a['privileges'].join(', ') : '-'])
    .filter(([, privileges]) => privileges !== '')
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  if (rows.length === 0) return `No privileges are granted on ${target.type} ${target.fullName}.`;
  return renderTable(['PRINCIPAL', 'PRIVILEGES'], rows, { color, maxCell: 200 });
}

/** `grant` (add) or `revoke` (remove). */
export async function grantCommand(
  runtime: CliRuntime,
  args: string[],
  verb: 'grant' | 'revoke',
): Promise<number> {
  const usage = GRANT_USAGE;
  const { positionals, ctx } = parseCommand(runtime, args, {}, usage);
  if (!ctx) return 0;
  const keyword = verb === 'grant' ? 'to' : 'from';
  const on = positionals.findIndex((w) => w.toLowerCase() === 'on');
  const privileges = parsePrivileges(on === -1 ? positionals : positionals.slice(0, on), usage);
  const { target, next } = parseTarget(positionals, keyword, usage);
  if (positionals[next]?.toLowerCase() !== keyword) {
    throw usageError(`expected "${keyword} <principal>" after the securable's name`, usage);
  }
  const [principal] = positionalsOf(positionals.slice(next + 1), ['<principal>'], usage);
  const change = { principal, [verb === 'grant' ? 'add' : 'remove']: privileges };
  const answer = await ctx.client.patch<Json>(permissionsPath(target.type, target.fullName), {
    changes: [change],
  });
  ctx.emit(answer, () =>
    verb === 'grant'
      ? `Granted ${privileges.join(', ')} on ${target.type} ${target.fullName} to ${principal}.`
      : `Revoked ${privileges.join(', ')} on ${target.type} ${target.fullName} from ${principal}.`,
  );
  return 0;
}

export async function permissionsCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const usage = GRANT_USAGE;
  const { values, positionals, ctx } = parseCommand(runtime, args, { principal: { type: 'string' } }, usage);
  if (!ctx) return 0;
  const [typeWord, ...rest] = positionals;
  if (typeWord === undefined) throw usageError('missing <securable_type> <full_name>', usage);
  const type = wireSecurableType(typeWord, usage);
  const [fullName] =
    type === 'metastore' && rest.length === 0 ? ['metastore'] : positionalsOf(rest, ['<full_name>'], usage);
  const target = { type, fullName: fullName! };
  const answer = await ctx.client.get<Json>(
    permissionsPath(target.type, target.fullName),
    values.principal === undefined ? {} : { principal: values.principal },
  );
  ctx.emit(answer, () => renderAssignments(answer, target, ctx.color));
  return 0;
}
