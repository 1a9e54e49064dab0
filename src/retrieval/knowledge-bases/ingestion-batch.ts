// Writing a batch of parsed and chunked documents: their chunks are embedded together (64 texts per call
// across documents: a remote model answers one call for many small files instead of one each), then the
// batch is written with one ledger fsync before and one after a single atomic upsert. Per-file writes
// were three fsyncs per document, which bounded ingestion at about 50 small documents a second. The order
// per file is still begin → upsert → delete surplus ids → commit (file-ledger.ts), so a kill anywhere in
// a batch loses nothing committed. A document the model or the index refuses (VALIDATION_FAILED) is
// found by retrying the batch's documents one by one, and only it fails.

import { isLakegateError } from '../../core/index.js';
import type { VolumeEntry } from '../../data/index.js';
import type { Chunk, ParsedDocument } from '../documents/index.js';
import type { MetadataValue, VectorIndex, VectorRecord } from '../engine/vector-engine.js';
import { chunkMetadata } from './chunk-metadata.js';
import { chunkIdOf, type LedgerEntry } from './file-ledger.js';
import type { IndexHandle } from './index-handle.js';
import type { IngestionRun, IngestionStatistics } from './ingestion-job.js';

/** Texts per embedding call: large enough to amortise a remote call, small enough for any provider's limit. */
const EMBED_BATCH = 64;

/** A document parsed and chunked, waiting for its batch to be embedded and written. */
export interface PendingDocument {
  entry: VolumeEntry;
  fileId: string;
  previous: LedgerEntry | undefined;
  sha256: string;
  size: number;
  document: ParsedDocument;
  chunks: Chunk[];
  sidecar: Record<string, MetadataValue>;
}

interface ReadyDocument extends PendingDocument {
  records: VectorRecord[];
}

export type FailDocument = (doc: PendingDocument, reason: string) => Promise<void>;

/** A failure that belongs to one file (it cannot be read as a document); anything else stops the job. */
export function fileFailure(error: unknown): string | undefined {
  if (isLakegateError(error) && error.code === 'VALIDATION_FAILED') return error.message;
  return undefined;
}

async function embedTexts(run: IngestionRun, texts: readonly string[]): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    run.signal.throwIfAborted();
    const batch = texts.slice(i, i + EMBED_BATCH);
    vectors.push(
      ...(await run.models.embed(run.owner, run.config.embeddingModel, batch, 'search_document', {
        signal: run.signal,
      })),
    );
  }
  return vectors;
}

function recordsOf(
  run: IngestionRun,
  doc: PendingDocument,
  vectors: readonly Float32Array[],
): VectorRecord[] {
  return doc.chunks.map((chunk, n) => {
    const chunkId = chunkIdOf(doc.fileId, n);
    return {
      id: chunkId,
      vector: vectors[n]!,
      text: chunk.text,
      metadata: chunkMetadata(
        {
          path: doc.entry.path,
          fileId: doc.fileId,
          chunkId,
          volume: run.config.volume,
          title: doc.document.title,
          modifiedAt: doc.entry.modifiedAt,
          ...(chunk.page !== undefined ? { page: chunk.page } : {}),
          ...(chunk.section ? { section: chunk.section } : {}),
          ...(chunk.parent ? { parent: { index: chunk.parent.index, text: chunk.parent.text } } : {}),
        },
        doc.sidecar,
      ),
    };
  });
}

/** Embeds every document's chunks; documents the model refuses are failed, the rest returned with records. */
async function embedBatch(run: IngestionRun, batch: readonly PendingDocument[], fail: FailDocument) {
  try {
    const vectors = await embedTexts(
      run,
      batch.flatMap((doc) => doc.chunks.map((c) => c.text)),
    );
    let offset = 0;
    return batch.map((doc) => {
      const mine = vectors.slice(offset, offset + doc.chunks.length);
      offset += doc.chunks.length;
      return { ...doc, records: recordsOf(run, doc, mine) };
    });
  } catch (error) {
    if (fileFailure(error) === undefined || batch.length === 1) {
      const reason = fileFailure(error);
      if (reason === undefined) throw error;
      await fail(batch[0]!, `cannot be embedded: ${reason}`);
      return [];
    }
    const ready: ReadyDocument[] = [];
    for (const doc of batch) ready.push(...(await embedBatch(run, [doc], fail)));
    return ready;
  }
}

export async function deleteChunks(
  handle: IndexHandle,
  fileId: string,
  from: number,
  to: number,
): Promise<void> {
  if (to <= from) return;
  const index = await handle.existing();
  if (!index) return;
  const ids: string[] = [];
  for (let n = from; n < to; n++) ids.push(chunkIdOf(fileId, n));
  await index.delete(ids);
}

/** Upserts the batch at once; when the index refuses it, document by document, failing only the refused. */
async function upsertBatch(
  index: VectorIndex,
  batch: readonly ReadyDocument[],
  fail: FailDocument,
): Promise<ReadyDocument[]> {
  const records = batch.flatMap((doc) => doc.records);
  if (records.length === 0) return [...batch];
  try {
    await index.upsert(records);
    return [...batch];
  } catch (error) {
    if (fileFailure(error) === undefined) throw error;
  }
  const written: ReadyDocument[] = [];
  for (const doc of batch) {
    try {
      if (doc.records.length > 0) await index.upsert(doc.records);
      written.push(doc);
    } catch (error) {
      const reason = fileFailure(error);
      if (reason === undefined) throw error;
      await fail(doc, `cannot be indexed: ${reason}`);
    }
  }
  return written;
}

export async function writeBatch(
  run: IngestionRun,
  handle: IndexHandle,
  pending: readonly PendingDocument[],
  stats: IngestionStatistics,
  fail: FailDocument,
): Promise<void> {
  if (pending.length === 0) return;
  const batch = await embedBatch(run, pending, fail);
  if (batch.length === 0) return;
  const { ledger } = run;
  const touched = (doc: ReadyDocument) => Math.max(doc.previous?.touched ?? 0, doc.records.length);
  ledger.group(() => {
    for (const doc of batch) ledger.begin(doc.entry.path, doc.fileId, touched(doc));
  });
  const first = batch.find((doc) => doc.records.length > 0)?.records[0];
  const written = first
    ? await upsertBatch(await handle.forDimension(first.vector.length), batch, fail)
    : batch;
  for (const doc of written) await deleteChunks(handle, doc.fileId, doc.records.length, touched(doc));
  ledger.group(() => {
    for (const doc of written) {
      ledger.commit(
        {
          path: doc.entry.path,
          fileId: doc.fileId,
          sha256: doc.sha256,
          chunks: doc.records.length,
          size: doc.size,
          modifiedAt: doc.entry.modifiedAt.toISOString(),
        },
        doc.records.length,
      );
    }
  });
  for (const doc of written) {
    if (doc.previous?.committed) stats.modified += 1;
    else stats.new += 1;
    stats.chunksIndexed += doc.records.length;
  }
}
