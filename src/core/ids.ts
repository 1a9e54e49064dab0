import { randomBytes } from 'node:crypto';

/** A random, sortable-enough id with a readable prefix: `pr_3f9c...` for a principal. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}
