// Files of governed volumes, stored on local disk under `<data>/volumes/<volume securable id>/` (so a
// renamed volume keeps its files). Every call names the actor: READ VOLUME to read and list, WRITE
// VOLUME to write and delete, decided by the catalog; a volume the actor cannot see is "not found or no
// permission", and only after the volume check does anything about the files answer. Every access is
// audited with the path, and for writes the size and SHA-256 (never the content).

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type Stats } from 'node:fs';
import { link, mkdir, open, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type Actor,
  type AuditEvent,
  accessEvent,
  type Catalog,
  type Privilege,
  type Securable,
} from '../../catalog/index.js';
import { isLakegateError, LakegateError, untilClosed, validationError } from '../../core/index.js';
import {
  checkParents,
  entryAt,
  isMissing,
  localPathOf,
  lstatOrNull,
  notFound,
  READ_NOFOLLOW,
} from './local-tree.js';
import { alreadyExists, isADirectory, notADirectory, tooLarge } from './volume-errors.js';
import { decodePageToken, encodePageToken, entryOf, listNames, walkFolder } from './volume-listing.js';
import { parseVolumePath, type VolumePath, volumePathOf } from './volume-path.js';

export interface VolumeFilesOptions {
  catalog: Catalog;
  /** The folder that holds every volume's folder (`<home>/data/volumes`). */
  dir: string;
  /** The largest file one upload may write; 5 GiB by default, as Databricks' Files API. */
  maxFileBytes?: number;
}

export interface VolumeEntry {
  /** `/Volumes/...`; a folder's ends with `/`, as in Databricks' listings. */
  path: string;
  name: string;
  isDirectory: boolean;
  /** Bytes; 0 for folders. */
  size: number;
  modifiedAt: Date;
}

export interface WrittenFile {
  path: string;
  size: number;
  sha256: string;
  modifiedAt: Date;
}

/** An opened file: its size and time as of opening, and its bytes (all, or an inclusive range). */
export interface OpenedFile {
  path: string;
  size: number;
  modifiedAt: Date;
  /** Reads from the open file (a rename or delete meanwhile does not change what is read); closes it at the end. */
  stream(range?: { start: number; end: number }): Readable;
  /** Closes the file without reading it (HEAD, or a refused range). */
  close(): Promise<void>;
}

export interface ListPage {
  entries: VolumeEntry[];
  /** Present when more entries follow; pass it back as `pageToken`. */
  nextPageToken?: string;
}

/** Who is asking and under which request, for the audit log. */
export interface FileCallOptions {
  requestId?: string;
}

const DEFAULT_MAX_FILE_BYTES = 5 * 1024 ** 3;
const DEFAULT_PAGE_SIZE = 1000;
const MAX_PAGE_SIZE = 1000;
/** Securable ids are generated (`vo_<hex>`); anything else must not become a folder name. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Where uploads land before they are renamed into place: beside the volumes, on the same file system. */
const INCOMING = '.incoming';

interface Resolved {
  volume: Securable;
  root: string;
  path: VolumePath;
}

export class VolumeFiles {
  private readonly catalog: Catalog;
  private readonly dir: string;
  private readonly incoming: string;
  readonly maxFileBytes: number;

  constructor(options: VolumeFilesOptions) {
    this.catalog = options.catalog;
    this.dir = options.dir;
    this.incoming = join(options.dir, INCOMING);
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  /** Creates the folders and drops uploads a crash left half-written. */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await rm(this.incoming, { recursive: true, force: true });
    await mkdir(this.incoming, { recursive: true, mode: 0o700 });
  }

  /**
   * Writes a file from a stream: to a temporary file first, then renamed into place, so a reader sees
   * the old file or the new one and a failed upload leaves nothing. Parent folders are created.
   */
  async put(
    actor: Actor,
    rawPath: string,
    body: AsyncIterable<Uint8Array>,
    options: FileCallOptions & {
      overwrite?: boolean;
      /** The size the sender announced (Content-Length): over the limit is refused before reading. */
      declaredSize?: number;
    } = {},
  ): Promise<WrittenFile> {
    const { volume, root, path } = await this.resolve(actor, rawPath, 'WRITE VOLUME', 'volumes.putFile', {
      allowRoot: false,
      ...options,
    });
    const overwrite = options.overwrite === true;
    if (options.declaredSize !== undefined && options.declaredSize > this.maxFileBytes) {
      throw tooLarge(this.maxFileBytes);
    }
    const target = localPathOf(root, path.segments);
    await checkParents(root, volume.fullName, path.segments);
    // Refuse before reading the body when the answer is already known.
    const existing = await lstatOrNull(target);
    if (existing?.isDirectory()) throw isADirectory(path.path);
    if (existing && !overwrite) throw alreadyExists(path.path);

    const temp = join(this.incoming, `${volume.id}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const limit = this.maxFileBytes;
    const sink = createWriteStream(temp, { flags: 'wx', mode: 0o600 });
    try {
      await pipeline(
        body,
        async function* meter(chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            size += chunk.byteLength;
            if (size > limit) throw tooLarge(limit);
            hash.update(chunk);
            yield chunk;
          }
        },
        sink,
      );
      const handle = await open(temp, 'r');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await checkParents(root, volume.fullName, path.segments);
      await mkdir(localPathOf(root, path.segments.slice(0, -1)), { recursive: true, mode: 0o700 });
      await this.place(temp, target, overwrite, path.path);
    } catch (error) {
      sink.destroy();
      await untilClosed(sink);
      await rm(temp, { force: true });
      throw error;
    }
    const written = await lstatOrNull(target);
    const sha256 = hash.digest('hex');
    this.record(actor, 'volumes.putFile', volume, 'allow', options, {
      path: path.path,
      size,
      sha256,
      overwrite,
    });
    return { path: path.path, size, sha256, modifiedAt: written?.mtime ?? new Date() };
  }

  /** Opens a file for reading (READ VOLUME). */
  async openFile(actor: Actor, rawPath: string, options: FileCallOptions = {}): Promise<OpenedFile> {
    const { volume, root, path } = await this.resolve(actor, rawPath, 'READ VOLUME', 'volumes.readFile', {
      allowRoot: false,
      ...options,
    });
    const stats = await entryAt(root, volume.fullName, path.segments);
    if (!stats) throw notFound(path.path);
    if (stats.isDirectory()) throw isADirectory(path.path);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(localPathOf(root, path.segments), READ_NOFOLLOW);
    } catch (error) {
      if (isMissing(error) || (error as { code?: string }).code === 'ELOOP') throw notFound(path.path);
      throw error;
    }
    const opened = await handle.stat();
    if (!opened.isFile()) {
      await handle.close();
      throw notFound(path.path);
    }
    this.record(actor, 'volumes.readFile', volume, 'allow', options, { path: path.path, size: opened.size });
    let used = false;
    return {
      path: path.path,
      size: opened.size,
      modifiedAt: opened.mtime,
      stream: (range) => {
        if (used) throw new LakegateError('INTERNAL', 'An opened volume file is read once.');
        used = true;
        return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
      },
      close: async () => {
        if (used) return;
        used = true;
        await handle.close();
      },
    };
  }

  /** A file's or folder's size and time (READ VOLUME); the volume's root is a folder. */
  async stat(actor: Actor, rawPath: string, options: FileCallOptions = {}): Promise<VolumeEntry> {
    const { volume, root, path } = await this.resolve(actor, rawPath, 'READ VOLUME', 'volumes.stat', {
      allowRoot: true,
      ...options,
    });
    const stats = await this.entryOrRoot(root, volume, path);
    if (!stats) throw notFound(path.path);
    return entryOf(volume.fullName, path.segments, stats);
  }

  /** One page of a folder's entries, by name (READ VOLUME). */
  async list(
    actor: Actor,
    rawPath: string,
    options: FileCallOptions & { pageSize?: number; pageToken?: string } = {},
  ): Promise<ListPage> {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw validationError(`page_size must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
    }
    const after = options.pageToken ? decodePageToken(options.pageToken) : undefined;
    const { volume, root, path } = await this.resolve(actor, rawPath, 'READ VOLUME', 'volumes.list', {
      allowRoot: true,
      ...options,
    });
    const stats = await this.entryOrRoot(root, volume, path);
    if (!stats) throw notFound(path.path);
    if (!stats.isDirectory()) throw notADirectory(path.path);
    const names = await listNames(localPathOf(root, path.segments));
    const remaining = after === undefined ? names : names.filter((n) => n > after);
    const page = remaining.slice(0, pageSize);
    const entries: VolumeEntry[] = [];
    for (const name of page) {
      const segments = [...path.segments, name];
      const entry = await lstatOrNull(localPathOf(root, segments));
      if (entry && (entry.isFile() || entry.isDirectory())) {
        entries.push(entryOf(volume.fullName, segments, entry));
      }
    }
    const result: ListPage = { entries };
    if (remaining.length > pageSize) result.nextPageToken = encodePageToken(page.at(-1)!);
    return result;
  }

  /**
   * Every file under a folder, at any depth, in name order, with size and time (READ VOLUME, checked
   * once): what knowledge-base ingestion scans.
   */
  async *walk(actor: Actor, rawPath: string, options: FileCallOptions = {}): AsyncGenerator<VolumeEntry> {
    const { volume, root, path } = await this.resolve(actor, rawPath, 'READ VOLUME', 'volumes.walk', {
      allowRoot: true,
      ...options,
    });
    const stats = await this.entryOrRoot(root, volume, path);
    if (!stats) throw notFound(path.path);
    if (!stats.isDirectory()) throw notADirectory(path.path);
    yield* walkFolder(root, volume.fullName, path.segments);
  }

  /** Creates a folder and any missing parents; an existing folder is fine (WRITE VOLUME). */
  async mkdir(actor: Actor, rawPath: string, options: FileCallOptions = {}): Promise<void> {
    const { volume, root, path } = await this.resolve(actor, rawPath, 'WRITE VOLUME', 'volumes.mkdir', {
      allowRoot: true,
      ...options,
    });
    await checkParents(root, volume.fullName, path.segments);
    const existing = await lstatOrNull(localPathOf(root, path.segments));
    if (existing && !existing.isDirectory()) {
      if (existing.isSymbolicLink()) throw notFound(path.path);
      throw new LakegateError('ALREADY_EXISTS', `'${path.path}' already exists as a file.`, {
        details: { path: path.path },
      });
    }
    await mkdir(localPathOf(root, path.segments), { recursive: true, mode: 0o700 });
    this.record(actor, 'volumes.mkdir', volume, 'allow', options, { path: path.path });
  }

  /** Deletes a file (WRITE VOLUME). */
  async deleteFile(actor: Actor, rawPath: string, options: FileCallOptions = {}): Promise<void> {
    const { volume, root, path } = await this.resolve(actor, rawPath, 'WRITE VOLUME', 'volumes.deleteFile', {
      allowRoot: false,
      ...options,
    });
    const stats = await entryAt(root, volume.fullName, path.segments);
    if (!stats) throw notFound(path.path);
    if (stats.isDirectory()) throw isADirectory(path.path);
    try {
      await unlink(localPathOf(root, path.segments));
    } catch (error) {
      if (isMissing(error)) throw notFound(path.path);
      throw error;
    }
    this.record(actor, 'volumes.deleteFile', volume, 'allow', options, { path: path.path, size: stats.size });
  }

  /** Deletes an empty folder (WRITE VOLUME); the volume's root goes only with the volume. */
  async deleteDirectory(actor: Actor, rawPath: string, options: FileCallOptions = {}): Promise<void> {
    const { volume, root, path } = await this.resolve(
      actor,
      rawPath,
      'WRITE VOLUME',
      'volumes.deleteDirectory',
      { allowRoot: true, ...options },
    );
    if (path.segments.length === 0) {
      throw validationError(`'${path.path}' is the volume's root: delete the volume instead.`);
    }
    const stats = await entryAt(root, volume.fullName, path.segments);
    if (!stats) throw notFound(path.path);
    if (!stats.isDirectory()) throw notADirectory(path.path);
    try {
      await rmdir(localPathOf(root, path.segments));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw validationError(`Directory '${path.path}' is not empty: delete what is in it first.`, {
          path: path.path,
          reason: 'DIRECTORY_NOT_EMPTY',
        });
      }
      if (isMissing(error)) throw notFound(path.path);
      throw error;
    }
    this.record(actor, 'volumes.deleteDirectory', volume, 'allow', options, { path: path.path });
  }

  /**
   * The local file behind a volume path, for server-side ingestion into a table (READ VOLUME). The
   * caller reads it at once: the path stays valid only until someone overwrites or deletes the file.
   */
  async resolveForRead(
    actor: Actor,
    volumePath: string,
    options: FileCallOptions = {},
  ): Promise<{ localPath: string; size: number }> {
    const { volume, root, path } = await this.resolve(
      actor,
      volumePath,
      'READ VOLUME',
      'volumes.resolveForRead',
      { allowRoot: false, ...options },
    );
    const stats = await entryAt(root, volume.fullName, path.segments);
    if (!stats) throw notFound(path.path);
    if (stats.isDirectory()) throw isADirectory(path.path);
    this.record(actor, 'volumes.readFile', volume, 'allow', options, { path: path.path, size: stats.size });
    return { localPath: localPathOf(root, path.segments), size: stats.size };
  }

  /** Removes every file of a volume: after its securable was deleted (no check: the catalog did it). */
  async removeVolume(volumeId: string): Promise<void> {
    await rm(this.rootOf(volumeId), { recursive: true, force: true });
  }

  private rootOf(volumeId: string): string {
    if (!SAFE_ID.test(volumeId)) {
      throw new LakegateError('INTERNAL', 'A volume id is not safe to use as a folder name.');
    }
    return join(this.dir, volumeId);
  }

  /** The volume's root as a folder even before its first file (it is created lazily). */
  private async entryOrRoot(root: string, volume: Securable, path: VolumePath): Promise<Stats | null> {
    if (path.segments.length > 0) return entryAt(root, volume.fullName, path.segments);
    const stats = await lstatOrNull(root);
    if (stats?.isDirectory()) return stats;
    await mkdir(root, { recursive: true, mode: 0o700 });
    return lstatOrNull(root);
  }

  /** Parses the path, finds the volume the actor may see, and requires the privilege; denials are audited. */
  private async resolve(
    actor: Actor,
    rawPath: string,
    privilege: Privilege,
    action: string,
    options: FileCallOptions & { allowRoot: boolean },
  ): Promise<Resolved> {
    const path = parseVolumePath(rawPath, { allowRoot: options.allowRoot });
    let volume: Securable;
    try {
      volume = await this.catalog.securables.get(actor, 'volume', path.volumeName);
      await this.catalog.authorizer.require(actor, privilege, volume);
    } catch (error) {
      if (isLakegateError(error) && (error.code === 'NOT_FOUND' || error.code === 'AUTH_PERMISSION_DENIED')) {
        this.record(actor, action, path.volumeName, 'deny', options, { path: path.path.slice(0, 1000) });
      }
      throw error;
    }
    if (volume.details['volume_type'] === 'EXTERNAL') {
      throw new LakegateError(
        'UNSUPPORTED_OPERATION',
        `Volume '${volume.fullName}' is EXTERNAL: Lakegate serves the files of MANAGED volumes only.`,
      );
    }
    // Paths are shown with the catalog's (lower-case) names from here on.
    const canonical: VolumePath = { ...path, path: volumePathOf(volume.fullName, path.segments) };
    return { volume, root: this.rootOf(volume.id), path: canonical };
  }

  private async place(temp: string, target: string, overwrite: boolean, shown: string): Promise<void> {
    try {
      if (overwrite) {
        await rename(temp, target);
        return;
      }
      // link() fails if the name is taken, where rename() would replace it: no-overwrite stays true
      // even when two uploads race. File systems without hard links get check-then-rename instead.
      try {
        await link(temp, target);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
        if (await lstatOrNull(target)) throw alreadyExists(shown);
        await rename(temp, target);
        return;
      }
      await unlink(temp);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EEXIST') throw alreadyExists(shown);
      if (code === 'EISDIR' || code === 'ENOTEMPTY') throw isADirectory(shown);
      throw error;
    }
  }

  private record(
    actor: Actor,
    action: string,
    volume: Securable | string,
    decision: AuditEvent['decision'],
    options: FileCallOptions,
    params: Record<string, unknown>,
  ): void {
    this.catalog.audit.record(
      accessEvent({
        actor,
        action,
        securableType: 'volume',
        securable: volume,
        decision,
        params,
        requestId: options.requestId,
      }),
    );
  }
}
