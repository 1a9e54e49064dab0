// `lakegate groups members|add|remove`: group membership (a member may itself be a group).

import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  parseCommand,
  positionalsOf,
  subcommandOf,
  unknownSubcommand,
} from './command-context.js';
import { LAKEGATE_API, segment } from './http-client.js';
import { renderPrincipals } from './principals-command.js';
import type { Json } from './securable-views.js';

export const GROUPS_USAGE = `Usage: lakegate groups <subcommand> [options]

  members <group>                        the group's direct members
  add <group> <member>                   add a user, service principal or group to it
  remove <group> <member>                take a member out of it

Create a group with: lakegate principals create <name> --kind group

${COMMON_OPTIONS_HELP}`;

export async function groupsCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const picked = subcommandOf(runtime, args, GROUPS_USAGE);
  if (!picked) return 0;
  const { sub, rest } = picked;
  const usage = GROUPS_USAGE;
  const membersOf = (group: string) => `${LAKEGATE_API}/groups/${segment(group)}/members`;
  switch (sub) {
    case 'members': {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [group] = positionalsOf(positionals, ['<group>'], usage);
      const members = await ctx.client.list<Json>(membersOf(group!), 'members');
      ctx.emit({ members }, () => renderPrincipals(members, ctx.color, `Group ${group} has no members.`));
      return 0;
    }
    case 'add':
    case 'remove': {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [group, member] = positionalsOf(positionals, ['<group>', '<member>'], usage);
      const path = `${membersOf(group!)}/${segment(member!)}`;
      const answer =
        sub === 'add' ? await ctx.client.put<unknown>(path) : await ctx.client.delete<unknown>(path);
      ctx.emit(answer, () =>
        sub === 'add' ? `Added ${member} to group ${group}.` : `Removed ${member} from group ${group}.`,
      );
      return 0;
    }
    default:
      throw unknownSubcommand(sub, usage);
  }
}
