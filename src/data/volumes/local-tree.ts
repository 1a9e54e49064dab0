// The local folder behind one volume, walked without ever following a symbolic link: Lakegate never
// creates links, so one found inside a volume was put there by someone else and may point anywhere on
// the machine. Every folder on the way to a path is looked at with lstat before the path is used, and
// files are opened with O_NOFOLLOW, so a link is treated as if nothing were there.

import { constants, type Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { LakegateError, validationError } from '../../core/index.js';
import { volumePathOf } from './volume-path.js';

/** Opening for reading refuses a final symbolic link (ELOOP) where the platform can say so. */
export const READ_NOFOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

export function localPathOf(root: string, segments: readonly string[]): string {
  return segments.length === 0 ? root : join(root, ...segments);
}

export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** ENOENT, or ENOTDIR (a file where a folder was expected): either way, nothing is at the path. */
export function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function notFound(path: string): LakegateError {
  return new LakegateError('NOT_FOUND', `'${path}' does not exist.`, { details: { path } });
}

/**
 * Checks the folders above `segments` inside `root`: each must be a real folder (not a link, not a file)
 * or missing. Returns whether they all exist. A file in the way is a clear error; a link is reported as
 * "does not exist", the same as for the path itself.
 */
export async function checkParents(
  root: string,
  volumeFullName: string,
  segments: readonly string[],
): Promise<boolean> {
  for (let depth = 1; depth < segments.length; depth++) {
    const stats = await lstatOrNull(localPathOf(root, segments.slice(0, depth)));
    if (!stats) return false;
    const shown = volumePathOf(volumeFullName, segments.slice(0, depth));
    if (stats.isSymbolicLink()) throw notFound(shown);
    if (!stats.isDirectory())
      throw validationError(`'${shown}' is a file, not a directory.`, { path: shown });
  }
  return true;
}

/** The entry at `segments` as a volume shows it: a folder, a regular file, or nothing (links and devices). */
export async function entryAt(
  root: string,
  volumeFullName: string,
  segments: readonly string[],
): Promise<Stats | null> {
  if (!(await checkParents(root, volumeFullName, segments))) return null;
  const stats = await lstatOrNull(localPathOf(root, segments));
  if (!stats || !(stats.isDirectory() || stats.isFile())) return null;
  return stats;
}
