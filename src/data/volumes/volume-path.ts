// Paths of volume files in Databricks' form, `/Volumes/<catalog>/<schema>/<volume>/<path>`, checked
// strictly before anything touches the disk: the path inside the volume becomes local path segments, so
// every segment that could climb out of the volume (`..`), name something else (`.`, empty, NUL,
// control characters, backslashes) or differ only in Unicode form from another is refused here.

import { validationError } from '../../core/index.js';

export interface VolumePath {
  /** `catalog.schema.volume` as written (the catalog normalises its case). */
  volumeName: string;
  /** The path inside the volume, one entry per folder or file; empty for the volume's root. */
  segments: string[];
  /** The canonical `/Volumes/...` form, NFC, without a trailing slash. */
  path: string;
}

const MAX_PATH_CHARS = 4096;
/** Most file systems' limit for one name, in bytes. */
const MAX_SEGMENT_BYTES = 255;
// C0 and C1 controls, DEL: never part of a name a person meant, and NUL ends a C string.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function refuse(path: string, why: string): never {
  throw validationError(`"${path.slice(0, 300)}" is not a valid volume path: ${why}.`, {
    path: path.slice(0, 300),
  });
}

/**
 * Parses `/Volumes/<catalog>/<schema>/<volume>[/<path>]`. A trailing slash is allowed (directories);
 * `allowRoot` says whether the volume's root itself is acceptable (listing yes, a file no).
 */
export function parseVolumePath(raw: string, options: { allowRoot?: boolean } = {}): VolumePath {
  if (typeof raw !== 'string' || raw === '') refuse(String(raw), 'it is empty');
  if (raw.length > MAX_PATH_CHARS) refuse(raw, `it is longer than ${MAX_PATH_CHARS} characters`);
  if (CONTROL.test(raw)) refuse(raw, 'it contains NUL or control characters');
  if (raw.includes('\\')) refuse(raw, 'it contains a backslash (use "/" between folders)');
  // One spelling per name: "é" typed precomposed or as e + combining accent must be the same file.
  const path = raw.normalize('NFC');
  if (!path.startsWith('/Volumes/')) refuse(raw, 'it must start with /Volumes/<catalog>/<schema>/<volume>');
  const parts = path.slice('/Volumes/'.length).split('/');
  if (parts.length > 3 && parts.at(-1) === '') parts.pop();
  const [catalog, schema, volume, ...segments] = parts;
  if (!catalog || !schema || !volume) refuse(raw, 'it must name /Volumes/<catalog>/<schema>/<volume>');
  for (const segment of segments) {
    if (segment === '') refuse(raw, 'it contains an empty folder name ("//")');
    if (segment === '.' || segment === '..') refuse(raw, `"${segment}" is not allowed in a volume path`);
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      refuse(raw, `the name "${segment.slice(0, 40)}..." is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  if (segments.length === 0 && !options.allowRoot)
    refuse(raw, 'it names the volume itself, not a file in it');
  return {
    volumeName: `${catalog}.${schema}.${volume}`,
    segments,
    path: `/Volumes/${[catalog, schema, volume, ...segments].join('/')}`,
  };
}

/** The `/Volumes/...` path of an entry `segments` deep inside the volume `catalog.schema.volume`. */
export function volumePathOf(volumeFullName: string, segments: readonly string[]): string {
  return `/Volumes/${[...volumeFullName.split('.'), ...segments].join('/')}`;
}
