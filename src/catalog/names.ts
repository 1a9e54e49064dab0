// Securable names: each part is a letter or underscore followed by letters, digits and underscores (or
// hyphens and dots for top-level serving endpoints), at most 255 characters. Catalog names compare
// case-insensitively as in Unity Catalog: they are stored lower-case.

import { validationError } from '../core/index.js';

const PART = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const ENDPOINT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

export function normalizePart(part: string, what: string): string {
  if (!PART.test(part)) {
    throw validationError(
      `"${part}" is not a valid ${what} name: use letters, digits and underscores, starting with a letter or underscore.`,
    );
  }
  return part.toLowerCase();
}

/** Splits and normalizes a dotted name with exactly `parts` parts. */
export function parseFullName(fullName: string, parts: 1 | 2 | 3, what: string): string[] {
  const split = fullName.split('.');
  if (split.length !== parts) {
    const shape = ['catalog', 'catalog.schema', 'catalog.schema.name'][parts - 1];
    throw validationError(`"${fullName}" is not a valid ${what} name: expected ${shape}.`);
  }
  return split.map((p) => normalizePart(p, what));
}

export function normalizeEndpointName(name: string): string {
  if (!ENDPOINT.test(name)) {
    throw validationError(
      `"${name}" is not a valid serving endpoint name: letters, digits, "_", "." and "-".`,
    );
  }
  // Endpoint names come from lakegate.yaml and are used as model ids as written: keep their case.
  return name;
}
