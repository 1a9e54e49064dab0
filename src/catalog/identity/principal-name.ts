// Principal names: letters, digits, ".", "_", "-" (and "@" for users, whose names are often e-mail
// addresses), at most 255 characters. They compare case-insensitively and are stored lower-case, so
// "Admin" cannot pose as "admin"; names shaped like principal ids are refused, so that a lookup by
// "id or name" can never be steered to someone else.

import { validationError } from '../../core/index.js';
import type { PrincipalKind } from '../model.js';

const NAME = /^[a-z0-9][a-z0-9._-]{0,254}$/;
const USER_NAME = /^[a-z0-9][a-z0-9._@-]{0,254}$/;
const PRINCIPAL_ID = /^pr_[0-9a-f]{24}$/;
const KINDS: readonly PrincipalKind[] = ['user', 'service', 'group'];

export const PRINCIPAL_ID_PREFIX = 'pr';

export function isPrincipalId(value: string): boolean {
  return PRINCIPAL_ID.test(value);
}

export function parsePrincipalKind(kind: unknown): PrincipalKind {
  if (typeof kind !== 'string' || !KINDS.includes(kind as PrincipalKind)) {
    throw validationError('A principal kind is "user", "service" or "group".');
  }
  return kind as PrincipalKind;
}

/** Lower-case form used for storage and lookup; no validation (lookups of bad names simply find nothing). */
export function lookupName(name: string): string {
  return name.toLowerCase();
}

export function normalizePrincipalName(name: unknown, kind: PrincipalKind): string {
  const lower = typeof name === 'string' ? name.toLowerCase() : '';
  const valid = kind === 'user' ? USER_NAME.test(lower) : NAME.test(lower);
  if (!valid || isPrincipalId(lower)) {
    const allowed =
      kind === 'user' ? 'letters, digits, ".", "_", "-" and "@"' : 'letters, digits, ".", "_" and "-"';
    throw validationError(
      `${JSON.stringify(typeof name === 'string' ? name.slice(0, 300) : name)} is not a valid ${kind} name: use ${allowed}, starting with a letter or digit, at most 255 characters.`,
    );
  }
  return lower;
}
