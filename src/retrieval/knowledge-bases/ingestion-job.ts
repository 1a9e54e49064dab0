// One ingestion run over a knowledge base's volume folder: scan, then for each document decide from its
// content hash whether it is new, modified or unchanged, parse, chunk, embed and upsert it, and finally
// remove the chunks of documents that are gone. The file ledger (file-ledger.ts) orders the writes so
// that a kill at any instant loses nothing committed and duplicates nothing (see there).
//
// It runs AS THE KNOWLEDGE BASE'S OWNER (Bedrock runs ingestion with the knowledge base's service role;
// the owner is our equivalent): the owner needs READ VOLUME on the source volume and access to the
// embedding model, and every file read is audited under the owner's name. Callers are checked again at
// query time (QUERY on the knowledge base and READ VOLUME on the volume).

import type { Actor } from '../../catalog/index.js';
import { LakegateError, sha256 } from '../../core/index.js';
import type { VolumeEntry, VolumeFiles } from '../../data/index.js';
import { chunkDocument, documentFormatOf, parseDocument, parseSidecarMetadata } from '../documents/index.js';
import type { VectorEngine } from '../engine/vector-engine.js';
import type { RetrievalModels } from '../model-calls.js';
import { type FileLedger, fileIdOf, type LedgerEntry } from './file-ledger.js';
import { IndexHandle } from './index-handle.js';
import { deleteChunks, fileFailure, type PendingDocument, writeBatch } from './ingestion-batch.js';
import type { KnowledgeBaseConfig } from './knowledge-base-spec.js';

export const SIDECAR_SUFFIX = '.metadata.json';
/** Larger files are reported as failed rather than read into memory. */
const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;
/** Documents embedded and written together: bounded by files and by chunks. */
const BATCH_FILES = 32;
const BATCH_CHUNKS = 1_024;

export interface IngestionStatistics {
  /** Documents found (sidecars not counted). */
  scanned: number;
  new: number;
  modified: number;
  deleted: number;
  unchanged: number;
  failed: number;
  /** Chunks written by this run. */
  chunksIndexed: number;
  failures: Array<{ path: string; reason: string }>;
}

export interface IngestionProgress {
  filesDone: number;
  filesTotal: number;
  chunksIndexed: number;
}

export interface IngestionRun {
  kbId: string;
  config: KnowledgeBaseConfig;
  owner: Actor;
  volumes: VolumeFiles;
  engine: VectorEngine;
  models: RetrievalModels;
  ledger: FileLedger;
  signal: AbortSignal;
  onProgress?: (progress: IngestionProgress) => void;
}

export function emptyStatistics(): IngestionStatistics {
  return {
    scanned: 0,
    new: 0,
    modified: 0,
    deleted: 0,
    unchanged: 0,
    failed: 0,
    chunksIndexed: 0,
    failures: [],
  };
}

async function readAll(volumes: VolumeFiles, owner: Actor, path: string): Promise<Buffer> {
  const file = await volumes.openFile(owner, path);
  if (file.size > MAX_DOCUMENT_BYTES) {
    await file.close();
    throw new LakegateError('VALIDATION_FAILED', `the file is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  }
  const parts: Buffer[] = [];
  for await (const part of file.stream()) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts);
}

/** Documents and their sidecars under the source folder, in name order. */
async function scan(
  run: IngestionRun,
): Promise<{ documents: VolumeEntry[]; sidecars: Map<string, VolumeEntry> }> {
  const documents: VolumeEntry[] = [];
  const sidecars = new Map<string, VolumeEntry>();
  for await (const entry of run.volumes.walk(run.owner, run.config.source)) {
    if (entry.isDirectory) continue;
    if (entry.path.endsWith(SIDECAR_SUFFIX)) sidecars.set(entry.path.slice(0, -SIDECAR_SUFFIX.length), entry);
    else documents.push(entry);
  }
  return { documents, sidecars };
}

/** Parses and chunks one document (SEMANTIC chunking embeds sentence groups, as the owner). */
async function prepare(
  run: IngestionRun,
  entry: VolumeEntry,
  bytes: Uint8Array,
  sidecarBytes: Uint8Array | undefined,
): Promise<Pick<PendingDocument, 'document' | 'chunks' | 'sidecar'>> {
  const sidecar = sidecarBytes ? parseSidecarMetadata(sidecarBytes) : {};
  const document = await parseDocument({ bytes, fileName: entry.name, signal: run.signal });
  const embedForBreaks = (texts: string[]) =>
    run.models.embed(run.owner, run.config.embeddingModel, texts, 'search_document', { signal: run.signal });
  const chunks = (await chunkDocument(document, run.config.chunking, embedForBreaks)).filter(
    (c) => c.text.trim() !== '',
  );
  return { document, chunks, sidecar };
}

/** Runs the job to its end; throws on what stops the whole job (the model, permissions, the disk). */
export async function runIngestion(run: IngestionRun, stats: IngestionStatistics): Promise<void> {
  const { ledger, owner, volumes } = run;
  const handle = new IndexHandle(run.engine, run.kbId);
  const { documents, sidecars } = await scan(run);
  stats.scanned = documents.length;
  const progress = () =>
    run.onProgress?.({
      filesDone: stats.new + stats.modified + stats.unchanged + stats.failed,
      filesTotal: documents.length,
      chunksIndexed: stats.chunksIndexed,
    });
  progress();

  const failFile = async (path: string, previous: LedgerEntry | undefined, reason: string) => {
    stats.failed += 1;
    stats.failures.push({ path, reason });
    // What was indexed from an earlier version no longer describes the file: it goes.
    if (previous) {
      await deleteChunks(handle, previous.fileId, 0, previous.touched);
      ledger.remove(path);
    }
  };
  let batch: PendingDocument[] = [];
  let batchChunks = 0;
  const flush = async () => {
    await writeBatch(run, handle, batch, stats, (doc, reason) =>
      failFile(doc.entry.path, ledger.get(doc.entry.path), reason),
    );
    batch = [];
    batchChunks = 0;
    progress();
  };

  for (const entry of documents) {
    run.signal.throwIfAborted();
    const fileId = fileIdOf(entry.path);
    const previous = ledger.get(entry.path);
    if (documentFormatOf(entry.name) === null) {
      await failFile(
        entry.path,
        previous,
        `unsupported format: ${entry.name} (PDF, DOCX, HTML, Markdown, text and CSV are)`,
      );
      progress();
      continue;
    }
    let bytes: Buffer;
    let sidecarBytes: Buffer | undefined;
    try {
      bytes = await readAll(volumes, owner, entry.path);
      const sidecar = sidecars.get(entry.path);
      if (sidecar) sidecarBytes = await readAll(volumes, owner, sidecar.path);
    } catch (error) {
      const reason = fileFailure(error);
      if (reason === undefined) throw error;
      await failFile(entry.path, previous, reason);
      progress();
      continue;
    }
    const hash = `${sha256(bytes, 'hex')}:${sidecarBytes ? sha256(sidecarBytes, 'hex') : ''}`;
    if (previous?.committed?.sha256 === hash) {
      stats.unchanged += 1;
      progress();
      continue;
    }
    let prepared: Awaited<ReturnType<typeof prepare>>;
    try {
      prepared = await prepare(run, entry, bytes, sidecarBytes);
    } catch (error) {
      const reason = fileFailure(error);
      if (reason === undefined) throw error;
      await failFile(entry.path, previous, `parse error: ${reason}`);
      progress();
      continue;
    }
    batch.push({ entry, fileId, previous, sha256: hash, size: bytes.length, ...prepared });
    batchChunks += prepared.chunks.length;
    if (batch.length >= BATCH_FILES || batchChunks >= BATCH_CHUNKS) await flush();
  }
  await flush();

  // Documents that are gone (or were begun and never committed and are gone now).
  const present = new Set(documents.map((d) => d.path));
  const under = `${run.config.source}/`;
  for (const path of ledger.paths()) {
    if (present.has(path) || !(path.startsWith(under) || path === run.config.source)) continue;
    run.signal.throwIfAborted();
    const entry = ledger.get(path)!;
    await deleteChunks(handle, entry.fileId, 0, entry.touched);
    ledger.remove(path);
    if (entry.committed) stats.deleted += 1;
  }
  await ledger.compact();
}
