// `lakegate keys create|list|revoke`: API keys. A key's secret exists in clear only in the answer to
// `create`; the server keeps a hash. So `create` prints the token once, alone on stdout (so
// `export LAKEGATE_KEY=$(lakegate keys create bob)` works), with the warning on stderr.

import { usageError } from './cli-error.js';
import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  parseCommand,
  positionalsOf,
  runSubcommand,
} from './command-context.js';
import { escapeText, formatTime, renderTable } from './format-table.js';
import { LAKEGATE_API, segment } from './http-client.js';
import { parseTime } from './parse-time.js';
import { type Json, text } from './securable-views.js';

export const KEYS_USAGE = `Usage: lakegate keys <subcommand> [options]

  create <principal> [--description <text>] [--expires <30d|ISO time>] [--sigv4]
                                         a new API key for the principal; its token is printed
                                         once and can never be shown again. --sigv4 also lets
                                         the key sign AWS SigV4 requests (AWS SDKs).
  list <principal>                       the principal's keys (never their secrets)
  revoke <key_id>                        revoke a key; it stops working on the next request

Admins manage every key; any principal may manage its own.

${COMMON_OPTIONS_HELP}`;

function statusOf(key: Json, now: number): string {
  if (key['revoked_at'] !== null && key['revoked_at'] !== undefined) {
    return `revoked ${formatTime(key['revoked_at'])}`;
  }
  const expires = key['expires_at'];
  if (expires !== null && expires !== undefined) {
    const at = new Date(typeof expires === 'number' ? expires : String(expires)).getTime();
    if (at <= now) return 'expired';
  }
  return 'active';
}

export function keysCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const usage = KEYS_USAGE;
  const keysOf = (principal: string) => `${LAKEGATE_API}/principals/${segment(principal)}/keys`;
  return runSubcommand(runtime, args, usage, {
    create: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { description: { type: 'string' }, expires: { type: 'string' }, sigv4: { type: 'boolean' } },
        usage,
      );
      if (!ctx) return 0;
      const [principal] = positionalsOf(positionals, ['<principal>'], usage);
      const body: Json = {};
      if (values.description !== undefined) body['description'] = values.description;
      if (values.expires !== undefined) {
        const expires = parseTime(values.expires, 1, '--expires', usage);
        if (Date.parse(expires) <= Date.now())
          throw usageError(`--expires ${values.expires} is in the past`, usage);
        body['expires_at'] = expires;
      }
      if (values.sigv4) body['sigv4'] = true;
      const created = await ctx.client.post<Json>(`${keysOf(principal!)}`, body);
      if (ctx.output === 'json') {
        ctx.print(JSON.stringify(created, null, 2));
        ctx.note('The token above is shown only this once: store it now; Lakegate cannot show it again.');
        return 0;
      }
      const expiry = created['expires_at'] ? `expires ${formatTime(created['expires_at'])}` : 'never expires';
      ctx.note(
        `Created API key ${escapeText(text(created, 'key_id'))} for ${escapeText(principal!)} (${expiry}).\n` +
          'WARNING: this is the only time its token is shown. Store it now (e.g. in a secret manager);\n' +
          'Lakegate keeps only a hash and cannot show it again. If it is lost, revoke it and create another.',
      );
      ctx.print(text(created, 'token'));
      return 0;
    },
    list: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [principal] = positionalsOf(positionals, ['<principal>'], usage);
      const keys = await ctx.client.list<Json>(keysOf(principal!), 'keys');
      // Only the listed fields, whatever else an answer might hold: a listing must never print a secret.
      const safe = keys.map((k) => ({
        key_id: k['key_id'],
        description: k['description'] ?? null,
        created_at: k['created_at'] ?? null,
        expires_at: k['expires_at'] ?? null,
        revoked_at: k['revoked_at'] ?? null,
      }));
      const now = Date.now();
      ctx.emit({ keys: safe }, () =>
        safe.length === 0
          ? `${principal} has no API keys.`
          : renderTable(
              ['KEY ID', 'DESCRIPTION', 'CREATED', 'EXPIRES', 'STATUS'],
              safe.map((k) => [
                text(k, 'key_id'),
                text(k, 'description'),
                formatTime(k.created_at),
                k.expires_at === null ? 'never' : formatTime(k.expires_at),
                statusOf(k, now),
              ]),
              { color: ctx.color },
            ),
      );
      return 0;
    },
    revoke: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [keyId] = positionalsOf(positionals, ['<key_id>'], usage);
      // A whole token here would put its secret into a URL (and the server's access logs): refuse it.
      if (keyId!.includes('.')) {
        throw usageError('give the key id (the part of the key before the dot), not the whole key', usage);
      }
      const answer = await ctx.client.delete<unknown>(`${LAKEGATE_API}/keys/${segment(keyId!)}`);
      ctx.emit(answer, () => `Revoked API key ${keyId}.`);
      return 0;
    },
  });
}
