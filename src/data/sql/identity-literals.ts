// The caller's identity goes into the rewritten SQL as literals, never through session state (a view
// reading getvariable() was bypassed by SET VARIABLE in experiments): current_user() becomes the caller's
// name and is_member('g') becomes TRUE or FALSE from the caller's transitive groups.

import { booleanConstant, replaceNode, stringConstant } from './sql-tree.js';
import type { IdentitySite } from './walk-query.js';

export interface Caller {
  name: string;
  /** Whether the caller belongs to the group, directly or through other groups. */
  isMember(group: string): Promise<boolean>;
}

export async function applyIdentity(caller: Caller, sites: readonly IdentitySite[]): Promise<void> {
  const groups = new Map<string, Promise<boolean>>();
  for (const site of sites) {
    if (site.kind === 'member' && !groups.has(site.group))
      groups.set(site.group, caller.isMember(site.group));
  }
  const answers = new Map<string, boolean>();
  for (const [group, answer] of groups) answers.set(group, await answer);
  for (const site of sites) {
    const alias = typeof site.node.alias === 'string' ? site.node.alias : '';
    replaceNode(
      site.node,
      site.kind === 'user'
        ? stringConstant(caller.name, alias)
        : booleanConstant(answers.get(site.group) === true, alias),
    );
  }
}
