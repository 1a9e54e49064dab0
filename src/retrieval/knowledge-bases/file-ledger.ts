// What a knowledge base has ingested, file by file: an append-only ledger of JSON lines, fsync'ed line by
// line, that makes ingestion resumable after a crash. For each file it knows the content hash last
// committed and how many chunk ids (`<file id>#0..n-1`) may exist in the vector index.
//
// The order of writes per file is what makes a kill at any instant safe:
//   1. `begin` with `touched` = the most chunk ids that may exist once this file's upsert lands;
//   2. the chunks are upserted (one atomic engine batch) and leftover ids deleted;
//   3. `commit` with the content hash and the chunk count.
// A crash before 3 leaves the old hash (or none): the next run sees the file as changed and redoes it,
// with deterministic ids, so nothing is duplicated; `touched` from 1 tells it which stale ids to delete,
// so nothing is orphaned. Committed files are skipped, so nothing committed is lost or redone.

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, rename, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { isRecord, safeParseJson, sha256 } from '../../core/index.js';

export interface CommittedFile {
  path: string;
  fileId: string;
  /** sha256 of the file's bytes and of its sidecar's (a metadata change re-ingests the file). */
  sha256: string;
  chunks: number;
  size: number;
  modifiedAt: string;
}

export interface LedgerEntry {
  /** The last commit; absent when the file was begun but never committed. */
  committed?: CommittedFile;
  fileId: string;
  /** Chunk ids `0..touched-1` may exist in the index. */
  touched: number;
}

type LedgerLine =
  | { op: 'begin'; path: string; fileId: string; touched: number }
  | ({ op: 'commit'; touched: number } & CommittedFile)
  | { op: 'delete'; path: string };

/** The file's id in chunk ids: stable for a path, short, and safe in any id. */
export function fileIdOf(path: string): string {
  return `f${sha256(path, 'hex').slice(0, 24)}`;
}

export function chunkIdOf(fileId: string, index: number): string {
  return `${fileId}#${index}`;
}

function apply(entries: Map<string, LedgerEntry>, line: LedgerLine): void {
  const previous = entries.get(line.path);
  if (line.op === 'delete') {
    entries.delete(line.path);
  } else if (line.op === 'begin') {
    entries.set(line.path, {
      ...(previous?.committed ? { committed: previous.committed } : {}),
      fileId: line.fileId,
      touched: Math.max(previous?.touched ?? 0, line.touched),
    });
  } else {
    const { op: _op, touched, ...committed } = line;
    // A commit comes after the stale ids past `touched` were deleted: it is exact, not a maximum.
    entries.set(line.path, { committed, fileId: line.fileId, touched });
  }
}

function parseLine(text: string): LedgerLine | undefined {
  const parsed = safeParseJson(text);
  if (!parsed.ok || !isRecord(parsed.value)) return undefined;
  const line = parsed.value;
  if (typeof line.path !== 'string') return undefined;
  if (line.op === 'delete') return { op: 'delete', path: line.path };
  if (typeof line.fileId !== 'string' || typeof line.touched !== 'number') return undefined;
  if (line.op === 'begin')
    return { op: 'begin', path: line.path, fileId: line.fileId, touched: line.touched };
  if (
    line.op === 'commit' &&
    typeof line.sha256 === 'string' &&
    typeof line.chunks === 'number' &&
    typeof line.size === 'number' &&
    typeof line.modifiedAt === 'string'
  ) {
    return {
      op: 'commit',
      path: line.path,
      fileId: line.fileId,
      touched: line.touched,
      sha256: line.sha256,
      chunks: line.chunks,
      size: line.size,
      modifiedAt: line.modifiedAt,
    };
  }
  return undefined;
}

export class FileLedger {
  private readonly file: string;
  private readonly entries = new Map<string, LedgerEntry>();
  private fd: number | undefined;
  /** Inside `group`: lines are written at once and fsync'ed together at its end. */
  private grouped = false;

  private constructor(dir: string) {
    this.file = join(dir, 'files.log');
  }

  /** Replays the ledger; a line torn by a crash (only the last can be) is cut off. */
  static async open(dir: string): Promise<FileLedger> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const ledger = new FileLedger(dir);
    let text = '';
    try {
      text = await readFile(ledger.file, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
    const complete = text.lastIndexOf('\n') + 1;
    if (complete < text.length) await truncate(ledger.file, Buffer.byteLength(text.slice(0, complete)));
    for (const raw of text.slice(0, complete).split('\n')) {
      const line = raw === '' ? undefined : parseLine(raw);
      if (line) apply(ledger.entries, line);
    }
    ledger.fd = openSync(ledger.file, 'a', 0o600);
    return ledger;
  }

  get(path: string): LedgerEntry | undefined {
    return this.entries.get(path);
  }

  paths(): string[] {
    return [...this.entries.keys()];
  }

  /** Committed chunks over every file. */
  chunkCount(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.committed?.chunks ?? 0;
    return total;
  }

  documentCount(): number {
    let total = 0;
    for (const entry of this.entries.values()) if (entry.committed) total += 1;
    return total;
  }

  begin(path: string, fileId: string, touched: number): void {
    this.append({ op: 'begin', path, fileId, touched });
  }

  commit(file: CommittedFile, touched: number): void {
    this.append({ op: 'commit', touched, ...file });
  }

  remove(path: string): void {
    this.append({ op: 'delete', path });
  }

  /** Rewrites the ledger as its current state (one line per file), atomically; after each job. */
  async compact(): Promise<void> {
    const lines: string[] = [];
    for (const [path, entry] of this.entries) {
      lines.push(
        JSON.stringify(
          entry.committed
            ? ({ op: 'commit', touched: entry.touched, ...entry.committed } satisfies LedgerLine)
            : ({ op: 'begin', path, fileId: entry.fileId, touched: entry.touched } satisfies LedgerLine),
        ),
      );
    }
    const temp = `${this.file}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(lines.map((l) => `${l}\n`).join(''));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    this.close();
    await rename(temp, this.file);
    this.fd = openSync(this.file, 'a', 0o600);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Runs `write` (calls of begin/commit/remove) with one fsync at the end instead of one per line: a batch
   * of files is begun (or committed) together, and durable before the caller's next step.
   */
  group(write: () => void): void {
    if (this.fd === undefined) throw new Error('The file ledger is closed.');
    this.grouped = true;
    try {
      write();
    } finally {
      this.grouped = false;
    }
    fsyncSync(this.fd);
  }

  private append(line: LedgerLine): void {
    if (this.fd === undefined) throw new Error('The file ledger is closed.');
    // Synchronous on purpose: the line is durable before the caller's next step touches the index.
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    if (!this.grouped) fsyncSync(this.fd);
    apply(this.entries, line);
  }
}
