// `lakegate whoami`: who the key in use acts as, and its groups (GET /api/2.1/lakegate/me).

import { type CliRuntime, COMMON_OPTIONS_HELP, parseCommand, positionalsOf } from './command-context.js';
import { LAKEGATE_API } from './http-client.js';
import { renderPrincipal } from './principals-command.js';
import type { Json } from './securable-views.js';

export const WHOAMI_USAGE = `Usage: lakegate whoami [options]

  The principal the API key acts as: name, kind, whether it is a metastore admin, its groups.

${COMMON_OPTIONS_HELP}`;

export async function whoamiCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const { positionals, ctx } = parseCommand(runtime, args, {}, WHOAMI_USAGE);
  if (!ctx) return 0;
  positionalsOf(positionals, [], WHOAMI_USAGE);
  const me = await ctx.client.get<Json>(`${LAKEGATE_API}/me`);
  ctx.emit(me, () => renderPrincipal(me));
  return 0;
}
