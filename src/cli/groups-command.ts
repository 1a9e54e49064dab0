// `lakegate groups members|add|remove`: group membership (a member may itself be a group).

import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  parseCommand,
  positionalsOf,
  runSubcommand,
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

const membersOf = (group: string) => `${LAKEGATE_API}/groups/${segment(group)}/members`;

export function groupsCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const usage = GROUPS_USAGE;
  const change = async (sub: 'add' | 'remove', rest: string[]) => {
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
  };
  return runSubcommand(runtime, args, usage, {
    members: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      const [group] = positionalsOf(positionals, ['<group>'], usage);
      const members = await ctx.client.list<Json>(membersOf(group!), 'members');
      ctx.emit({ members }, () => renderPrincipals(members, ctx.color, `Group ${group} has no members.`));
      return 0;
    },
    add: (rest) => change('add', rest),
    remove: (rest) => change('remove', rest),
  });
}
