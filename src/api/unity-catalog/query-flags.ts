// Query-string values the catalog routes read, checked rather than guessed.

import { validationError } from '../../core/index.js';

/** `?force=true|false`, default false. */
export function forceOf(query: URLSearchParams): boolean {
  const value = query.get('force');
  if (value === null || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw validationError('force must be true or false.');
}

/** A query parameter the route cannot do without. */
export function requiredQuery(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw validationError(`The query parameter ${name} is required.`);
  return value;
}
