// `lakegate fs ls|cp|cat|rm|mkdir`: files in governed volumes, like the Databricks CLI's `fs`. Remote
// paths are `/Volumes/<catalog>/<schema>/<volume>/...` (or `dbfs:/Volumes/...`); anything else is a
// local path. Copies stream both ways (nothing is held in memory), show bytes and rate on stderr on a
// terminal or with --progress, and a download lands under a temporary name until it is complete.

import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { untilClosed } from '../core/index.js';
import { CliError, usageError } from './cli-error.js';
import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  parseCommand,
  positionalsOf,
  runSubcommand,
  type Writer,
} from './command-context.js';
import { formatTime, renderTable } from './format-table.js';
import { fileBody, showsProgress, TransferProgress } from './transfer-progress.js';
import {
  type RemoteEntry,
  remotePathOf,
  type VolumeFilesClient,
  volumeFilesClientFor,
} from './volume-files-client.js';

export const FS_USAGE = `Usage: lakegate fs <subcommand> [options]

  ls <dir> [-l] [--absolute]              the files and folders in a volume folder
  cp <from> <to> [-r] [--overwrite] [--progress]
                                         copy a local file to a volume, a volume file to a local path,
                                         or between volumes; -r copies folders
  cat <file>                             print a volume file to stdout
  rm <path> [-r]                         delete a file, an empty folder, or (-r) a folder and all in it
  mkdir <dir>                            create a folder (and its parents)

Volume paths are /Volumes/<catalog>/<schema>/<volume>/... (dbfs:/Volumes/... works too).
Reading needs READ VOLUME on the volume, writing WRITE VOLUME.

${COMMON_OPTIONS_HELP}`;

function remoteOrUsage(arg: string, usage: string): string {
  const remote = remotePathOf(arg);
  if (!remote)
    throw usageError(`"${arg}" is not a volume path (/Volumes/<catalog>/<schema>/<volume>/...)`, usage);
  return remote;
}

function joinRemote(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

/** Writes bytes to a CLI writer, waiting when it asks for a pause (process.stdout on a slow pipe). */
async function writeBytes(out: Writer, chunk: Uint8Array): Promise<void> {
  // process.stdout takes bytes; the Writer type names strings because most commands write text.
  const accepted = (out as unknown as { write(chunk: Uint8Array): unknown }).write(chunk);
  const stream = out as Partial<Writable>;
  if (accepted === false && typeof stream.once === 'function') {
    await new Promise<void>((resolve) => stream.once?.('drain', resolve));
  }
}

async function ls(runtime: CliRuntime, args: string[]): Promise<number> {
  const options = { long: { type: 'boolean', short: 'l' }, absolute: { type: 'boolean' } } as const;
  const { values, positionals, ctx } = parseCommand(runtime, args, options, FS_USAGE);
  if (!ctx) return 0;
  const [dir] = positionalsOf(positionals, ['<dir>'], FS_USAGE);
  const path = remoteOrUsage(dir!, FS_USAGE);
  const entries = await volumeFilesClientFor(runtime, ctx, values.key).list(path);
  const nameOf = (e: RemoteEntry) => (values.absolute ? e.path : e.is_directory ? `${e.name}/` : e.name);
  ctx.emit({ contents: entries }, () => {
    if (!values.long) return entries.map(nameOf).join('\n');
    return renderTable(
      ['TYPE', 'SIZE', 'MODIFIED', 'NAME'],
      entries.map((e) => [
        e.is_directory ? 'DIRECTORY' : 'FILE',
        e.is_directory ? '-' : String(e.file_size ?? 0),
        formatTime(e.last_modified),
        nameOf(e),
      ]),
      { color: ctx.color },
    );
  });
  return 0;
}

async function cat(runtime: CliRuntime, args: string[]): Promise<number> {
  const { values, positionals, ctx } = parseCommand(runtime, args, {}, FS_USAGE);
  if (!ctx) return 0;
  const [file] = positionalsOf(positionals, ['<file>'], FS_USAGE);
  const { body } = await volumeFilesClientFor(runtime, ctx, values.key).download(
    remoteOrUsage(file!, FS_USAGE),
  );
  for await (const chunk of Readable.fromWeb(body as WebReadableStream<Uint8Array>)) {
    await writeBytes(runtime.io.stdout, chunk as Uint8Array);
  }
  return 0;
}

async function mkdirCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const { values, positionals, ctx } = parseCommand(runtime, args, {}, FS_USAGE);
  if (!ctx) return 0;
  const [dir] = positionalsOf(positionals, ['<dir>'], FS_USAGE);
  await volumeFilesClientFor(runtime, ctx, values.key).mkdir(remoteOrUsage(dir!, FS_USAGE));
  return 0;
}

async function removeTree(client: VolumeFilesClient, dir: string): Promise<number> {
  let removed = 0;
  for (const entry of await client.list(dir)) {
    const child = joinRemote(dir, entry.name);
    if (entry.is_directory) removed += await removeTree(client, child);
    else {
      await client.deleteFile(child);
      removed++;
    }
  }
  await client.deleteDirectory(dir);
  return removed;
}

async function rmCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const options = { recursive: { type: 'boolean', short: 'r' } } as const;
  const { values, positionals, ctx } = parseCommand(runtime, args, options, FS_USAGE);
  if (!ctx) return 0;
  const [target] = positionalsOf(positionals, ['<path>'], FS_USAGE);
  const path = remoteOrUsage(target!, FS_USAGE);
  const client = volumeFilesClientFor(runtime, ctx, values.key);
  const found = await client.kindOf(path);
  if (found.kind === 'none') throw new CliError(`'${path}' does not exist or you do not have permission.`);
  if (found.kind === 'file') await client.deleteFile(path);
  else if (values.recursive) await removeTree(client, path);
  else {
    try {
      await client.deleteDirectory(path);
    } catch (error) {
      if (error instanceof CliError && error.message.includes('DIRECTORY_NOT_EMPTY')) {
        throw new CliError(`'${path}' is not empty: use rm -r to delete it and everything in it.`);
      }
      throw error;
    }
  }
  return 0;
}

interface CopyOptions {
  client: VolumeFilesClient;
  overwrite: boolean;
  progress: (label: string, total: number | undefined) => TransferProgress | undefined;
}

async function localKind(path: string): Promise<'file' | 'directory' | 'none'> {
  try {
    const stats = await stat(path);
    return stats.isDirectory() ? 'directory' : 'file';
  } catch {
    return 'none';
  }
}

async function uploadFile(local: string, remote: string, options: CopyOptions): Promise<void> {
  const size = (await stat(local)).size;
  const progress = options.progress(`${basename(local)} -> ${remote}`, size);
  await options.client.upload(remote, fileBody(local, progress), options.overwrite);
  progress?.finish();
}

async function downloadFile(remote: string, local: string, options: CopyOptions): Promise<void> {
  if (!options.overwrite && (await localKind(local)) !== 'none') {
    throw new CliError(`'${local}' already exists: pass --overwrite to replace it.`);
  }
  const { body, size } = await options.client.download(remote);
  const progress = options.progress(`${remote} -> ${local}`, size);
  const partial = `${local}.lakegate-part`;
  const sink = createWriteStream(partial, { mode: 0o644 });
  try {
    const source = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
    await new Promise<void>((resolve, reject) => {
      source.on('data', (chunk: Buffer) => progress?.add(chunk.byteLength));
      source.on('error', reject);
      sink.on('error', reject);
      sink.on('finish', resolve);
      source.pipe(sink);
    });
    await rename(partial, local);
  } catch (error) {
    sink.destroy();
    await untilClosed(sink);
    await rm(partial, { force: true });
    throw error;
  }
  progress?.finish();
}

async function copyBetweenVolumes(from: string, to: string, options: CopyOptions): Promise<void> {
  const { body, size } = await options.client.download(from);
  const progress = options.progress(`${from} -> ${to}`, size);
  await options.client.upload(to, progress ? body.pipeThrough(progress.meter()) : body, options.overwrite);
  progress?.finish();
}

async function uploadTree(local: string, remote: string, options: CopyOptions): Promise<number> {
  await options.client.mkdir(remote);
  let copied = 0;
  for (const entry of await readdir(local, { withFileTypes: true })) {
    const from = join(local, entry.name);
    const to = joinRemote(remote, entry.name);
    if (entry.isDirectory()) copied += await uploadTree(from, to, options);
    else if (entry.isFile()) {
      await uploadFile(from, to, options);
      copied++;
    }
  }
  return copied;
}

async function downloadTree(remote: string, local: string, options: CopyOptions): Promise<number> {
  await mkdir(local, { recursive: true });
  let copied = 0;
  for (const entry of await options.client.list(remote)) {
    const from = joinRemote(remote, entry.name);
    const to = join(local, entry.name);
    if (entry.is_directory) copied += await downloadTree(from, to, options);
    else {
      await downloadFile(from, to, options);
      copied++;
    }
  }
  return copied;
}

async function cp(runtime: CliRuntime, args: string[]): Promise<number> {
  const flags = {
    recursive: { type: 'boolean', short: 'r' },
    overwrite: { type: 'boolean' },
    progress: { type: 'boolean' },
  } as const;
  const { values, positionals, ctx } = parseCommand(runtime, args, flags, FS_USAGE);
  if (!ctx) return 0;
  const [fromArg, toArg] = positionalsOf(positionals, ['<from>', '<to>'], FS_USAGE) as [string, string];
  const client = volumeFilesClientFor(runtime, ctx, values.key);
  const stderr = runtime.io.stderr;
  const show = showsProgress(stderr, values.progress);
  const options: CopyOptions = {
    client,
    overwrite: values.overwrite === true,
    progress: (label, total) => (show ? new TransferProgress(stderr, label, total) : undefined),
  };
  const fromRemote = remotePathOf(fromArg);
  const toRemote = remotePathOf(toArg);

  if (!fromRemote && !toRemote) {
    throw usageError('one of <from> and <to> must be a volume path (/Volumes/...)', FS_USAGE);
  }
  if (fromRemote && toRemote) {
    if (values.recursive) throw usageError('-r between two volume paths is not supported', FS_USAGE);
    const target =
      (await client.kindOf(toRemote)).kind === 'directory'
        ? joinRemote(toRemote, basename(fromRemote))
        : toRemote;
    await copyBetweenVolumes(fromRemote, target, options);
    return 0;
  }
  if (toRemote) {
    const kind = await localKind(fromArg);
    if (kind === 'none') throw new CliError(`'${fromArg}' does not exist.`);
    if (kind === 'directory') {
      if (!values.recursive) throw new CliError(`'${fromArg}' is a directory: use cp -r to copy it.`);
      const copied = await uploadTree(fromArg, toRemote, options);
      ctx.note(`Copied ${copied} file${copied === 1 ? '' : 's'} to ${toRemote}.`);
      return 0;
    }
    const into = toArg.endsWith('/') || (await client.kindOf(toRemote)).kind === 'directory';
    await uploadFile(fromArg, into ? joinRemote(toRemote, basename(fromArg)) : toRemote, options);
    return 0;
  }
  const source = fromRemote!;
  const kind = await client.kindOf(source);
  if (kind.kind === 'none') throw new CliError(`'${source}' does not exist or you do not have permission.`);
  if (kind.kind === 'directory') {
    if (!values.recursive) throw new CliError(`'${source}' is a directory: use cp -r to copy it.`);
    const copied = await downloadTree(source, toArg, options);
    ctx.note(`Copied ${copied} file${copied === 1 ? '' : 's'} to ${toArg}.`);
    return 0;
  }
  const into = (await localKind(toArg)) === 'directory';
  await downloadFile(source, into ? join(toArg, basename(source)) : toArg, options);
  return 0;
}

export function fsCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  return runSubcommand(runtime, args, FS_USAGE, {
    ls: (rest) => ls(runtime, rest),
    cp: (rest) => cp(runtime, rest),
    cat: (rest) => cat(runtime, rest),
    rm: (rest) => rmCommand(runtime, rest),
    mkdir: (rest) => mkdirCommand(runtime, rest),
  });
}
