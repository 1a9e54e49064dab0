// Folder listings of a volume: entries as the Files API shows them, names in code-unit order with links
// and devices left out, recursive walks, and the opaque page tokens of paged listings.

import type { Dirent, Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { validationError } from '../../core/index.js';
import { isMissing, localPathOf, lstatOrNull } from './local-tree.js';
import type { VolumeEntry } from './volume-files.js';
import { volumePathOf } from './volume-path.js';

export function entryOf(volumeFullName: string, segments: readonly string[], stats: Stats): VolumeEntry {
  const isDirectory = stats.isDirectory();
  const path = volumePathOf(volumeFullName, segments);
  return {
    path: isDirectory && segments.length > 0 ? `${path}/` : path,
    name: segments.at(-1) ?? volumeFullName.split('.').at(-1)!,
    isDirectory,
    size: isDirectory ? 0 : stats.size,
    modifiedAt: stats.mtime,
  };
}

/** Names of the files and folders in a local folder, in code-unit order (links and devices left out). */
export async function listNames(folder: string): Promise<string[]> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  return dirents
    .filter((d) => d.isFile() || d.isDirectory())
    .map((d) => d.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function* walkFolder(
  root: string,
  volumeFullName: string,
  segments: readonly string[],
): AsyncGenerator<VolumeEntry> {
  for (const name of await listNames(localPathOf(root, segments))) {
    const child = [...segments, name];
    const stats = await lstatOrNull(localPathOf(root, child));
    if (!stats) continue;
    if (stats.isDirectory()) yield* walkFolder(root, volumeFullName, child);
    else if (stats.isFile()) yield entryOf(volumeFullName, child, stats);
  }
}

export function encodePageToken(after: string): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
}

export function decodePageToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // Falls through to the one error below.
  }
  throw validationError('page_token is not a token this listing gave out.');
}
