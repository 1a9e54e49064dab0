// The on-disk format of one index folder (`<home>/data/vectors/<index id>/`):
//   manifest.json          dimension and metric, written once at creation
//   snapshot-<g>.bin       every live record at generation g (one frame)
//   ann-<g>.usearch        the ANN graph matching snapshot g, when the index had one (optional)
//   wal-<g>.log            write-ahead log of upsert/delete batches since snapshot g (frames)
//   ann-build-<n>.tmp      a graph being built on a worker thread (index-graph.ts); swept like any .tmp
// A frame is [u32 payload length][u32 CRC-32 of payload][payload]; a payload is [u8 kind][u32 JSON
// length][JSON][little-endian float32 vectors]. A batch is one frame and is applied only after its frame is
// on disk (fdatasync), so a crash mid-write leaves a torn last frame, which the reader drops: the batch is
// either whole or absent. Checkpointing writes snapshot-<g+1> to a temporary name, fsyncs, renames it into
// place and only then deletes generation g, so a crash at any point leaves one complete generation.

import { closeSync, fsyncSync, openSync } from 'node:fs';
import { type FileHandle, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from '../../core/index.js';

export const FRAME_UPSERT = 1;
export const FRAME_DELETE = 2;
export const FRAME_SNAPSHOT = 3;

export interface Frame {
  kind: number;
  header: unknown;
  vectors: Float32Array;
}

export function encodeFrame(kind: number, header: unknown, vectors?: Float32Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const vectorBytes = vectors === undefined ? 0 : vectors.byteLength;
  const payloadLength = 1 + 4 + json.length + vectorBytes;
  const frame = Buffer.allocUnsafe(8 + payloadLength);
  frame.writeUInt32LE(payloadLength, 0);
  frame.writeUInt8(kind, 8);
  frame.writeUInt32LE(json.length, 9);
  json.copy(frame, 13);
  if (vectors !== undefined)
    frame.set(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength), 13 + json.length);
  frame.writeUInt32LE(crc32(frame.subarray(8)), 4);
  return frame;
}

/** The whole frames in `bytes` and the offset where the valid prefix ends (torn or corrupt tail dropped). */
export function decodeFrames(bytes: Buffer): { frames: Frame[]; validLength: number } {
  const frames: Frame[] = [];
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    const length = bytes.readUInt32LE(offset);
    const checksum = bytes.readUInt32LE(offset + 4);
    const end = offset + 8 + length;
    if (length < 5 || end > bytes.length) break;
    const payload = bytes.subarray(offset + 8, end);
    if (crc32(payload) !== checksum) break;
    const jsonLength = payload.readUInt32LE(1);
    if (5 + jsonLength > payload.length || (payload.length - 5 - jsonLength) % 4 !== 0) break;
    const header: unknown = JSON.parse(payload.subarray(5, 5 + jsonLength).toString('utf8'));
    // Copy the floats out: the payload's offset inside the file buffer need not be 4-byte aligned.
    const vectorBytes = payload.subarray(5 + jsonLength);
    const vectors = new Float32Array(vectorBytes.length / 4);
    new Uint8Array(vectors.buffer).set(vectorBytes);
    frames.push({ kind: payload.readUInt8(0), header, vectors });
    offset = end;
  }
  return { frames, validLength: offset };
}

export const manifestPath = (dir: string) => join(dir, 'manifest.json');
export const snapshotPath = (dir: string, generation: number) => join(dir, `snapshot-${generation}.bin`);
export const annPath = (dir: string, generation: number) => join(dir, `ann-${generation}.usearch`);
export const walPath = (dir: string, generation: number) => join(dir, `wal-${generation}.log`);
/** The file the `build`-th background graph build of this index instance writes (removed once loaded). */
export const annBuildPath = (dir: string, build: number) => join(dir, `ann-build-${build}.tmp`);

/** The newest complete generation in `dir` (0 when no snapshot was ever written). */
export async function latestGeneration(dir: string): Promise<number> {
  let latest = 0;
  for (const name of await readdir(dir)) {
    const match = /^snapshot-(\d+)\.bin$/.exec(name);
    if (match) latest = Math.max(latest, Number(match[1]));
  }
  return latest;
}

/**
 * Deletes every generation's files but `keep`, and leftover temporaries except the paths in `spare` (the
 * files of a graph build still running). Recursive, so that whatever a crash left under a temporary name
 * goes.
 */
export async function removeOtherGenerations(
  dir: string,
  keep: number,
  spare: ReadonlySet<string> = new Set(),
): Promise<void> {
  for (const name of await readdir(dir)) {
    const match = /^(?:snapshot|ann|wal)-(\d+)\.(?:bin|usearch|log)$/.exec(name);
    const path = join(dir, name);
    if (((match && Number(match[1]) !== keep) || name.endsWith('.tmp')) && !spare.has(path))
      await rm(path, { recursive: true, force: true });
  }
}

/**
 * Replaces `path` so that a reader sees the old file or the whole new one, never a part: `write` fills a
 * temporary beside it (removeOtherGenerations sweeps one a crash leaves), which is synced and renamed over.
 */
export async function replaceFileAtomic(
  path: string,
  write: (temporary: string) => Promise<void> | void,
): Promise<void> {
  const temporary = `${path}.tmp`;
  await write(temporary);
  await fsyncPath(temporary);
  await rename(temporary, path);
}

/** Writes `data` to `path` atomically (see replaceFileAtomic). */
export function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  return replaceFileAtomic(path, (temporary) => writeFile(temporary, data));
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes renames and creations inside `dir` durable (a directory fsync; a no-op where unsupported). */
export function fsyncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open directories for fsync; NTFS journals the rename itself.
  }
}

export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** An append-only log file; every append is durable before it resolves. */
export class WriteAheadLog {
  private constructor(
    private readonly handle: FileHandle,
    public size: number,
  ) {}

  /** Opens `path`, first cutting it to `validLength` so new frames never follow a torn one. */
  static async open(path: string, validLength: number): Promise<WriteAheadLog> {
    const handle = await open(path, 'a+');
    const { size } = await handle.stat();
    if (size !== validLength) {
      await handle.truncate(validLength);
      await handle.sync();
    }
    return new WriteAheadLog(handle, validLength);
  }

  async append(frame: Buffer): Promise<void> {
    try {
      await this.handle.write(frame, 0, frame.length);
      await this.handle.datasync();
    } catch (error) {
      // A failed write (disk full) may leave part of the frame; cut it so the next frame does not follow
      // a torn one, which the reader would take for the end of the log.
      await this.handle.truncate(this.size).catch(() => undefined);
      throw error;
    }
    this.size += frame.length;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
