// Document parsing off the event loop. A PDF engine or a DOCX reader on the calling thread would block the
// server for as long as the document takes (a 70-page PDF: a third of a second or more); here every document worth the hop is parsed on a worker
// thread, and a big PDF is read in page ranges by several workers at once (each loads the file and reads its
// share; the parts are merged in page order by assemble-pdf.ts, which also places the outline once).
//
// Workers start on demand up to `size`, stay warm between documents (a cold worker loads PDFium and JIT-warms
// the parsers again), exit after `idleMs` without work, and never keep the process alive while idle.
// Cancellation stops the workers of that document; a worker that dies takes only its document with it, and
// the pool starts a new one when the next document needs it.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LakegateError } from '../../core/index.js';
import { assemblePdf } from './assemble-pdf.js';
import { unreadableDocument } from './document-error.js';
import { documentFormatOf } from './document-format.js';
import type { ParserJob, ParserJobError, ParserReply } from './document-parser-protocol.js';
import type { ParseDocumentInput } from './parse-document-input.js';
import { parseDocumentInThread, requireText } from './parse-in-thread.js';
import type { ParsedDocument } from './parsed-document.js';
import type { PdfPart } from './pdf-pages.js';

export interface DocumentParserPoolOptions {
  /** Worker threads at most; default min(2, cores). */
  size?: number;
  /** A worker with no work for this long exits (default 30 s). */
  idleMs?: number;
  /**
   * Memory limit of each worker (MB; default 1024): its V8 old generation, and its PDFium heap. A document
   * that needs more (a PDF bomb) is refused as VALIDATION_FAILED: past the V8 limit it kills its worker, not
   * the server; past the PDFium one the worker drops that PDFium instance and carries on.
   */
  workerHeapMb?: number;
  /**
   * Text formats smaller than this are parsed on the calling thread, where the parse blocks the event loop
   * for less than a hop to a worker is worth (~2 ms; defaults in IN_THREAD_BELOW_BYTES).
   */
  inThreadBelowBytes?: Partial<Record<CheapFormat, number>>;
  /** PDFs at least this large are read in page ranges by several workers at once (default 128 KiB). */
  splitPdfFromBytes?: number;
}

type CheapFormat = 'text' | 'markdown' | 'html' | 'csv';

/**
 * Below these sizes a parse takes about 2 ms or less on the calling thread (measured, best of 30: text
 * ~2.5 ms per MiB, HTML ~0.08 ms per KiB, CSV ~0.13 ms per KiB, Markdown ~0.25 ms per KiB), about what the
 * round trip to a worker costs; PDF and DOCX always go to a worker.
 */
const IN_THREAD_BELOW_BYTES: Record<CheapFormat, number> = {
  text: 512 * 1024,
  html: 24 * 1024,
  csv: 16 * 1024,
  markdown: 8 * 1024,
};

function isCheap(format: string): format is CheapFormat {
  return format in IN_THREAD_BELOW_BYTES;
}

interface Slot {
  worker: Worker;
  /** The job it runs, settled by its reply or by its death. */
  running: { id: number; settle: (outcome: ParserReply | Error) => void } | null;
  idleTimer: NodeJS.Timeout | null;
}

interface Waiter {
  wants: number;
  grant: (slots: Slot[]) => void;
}

/**
 * The worker's module. Built code runs `dist/retrieval/documents/document-parser-worker.js`; tests import
 * this file from src/ as TypeScript, which a worker thread cannot load, so they start the built one (the
 * test setup builds dist/ first).
 */
function workerUrl(): URL {
  const here = new URL(import.meta.url);
  if (!here.pathname.endsWith('.ts')) return new URL('./document-parser-worker.js', here);
  return new URL(
    here.href.replace(
      /\/src\/retrieval\/documents\/[^/]+\.ts$/,
      '/dist/retrieval/documents/document-parser-worker.js',
    ),
  );
}

function errorFrom(error: ParserJobError): Error {
  return error.code === null
    ? new LakegateError('INTERNAL', 'The document parser failed.', { cause: new Error(error.message) })
    : new LakegateError(error.code, error.message, { details: error.details });
}

export class DocumentParserPool {
  readonly size: number;
  private readonly idleMs: number;
  private readonly workerHeapMb: number;
  private readonly inThreadBelowBytes: Record<CheapFormat, number>;
  private readonly splitPdfFromBytes: number;
  /** Workers that can take work (busy or idle); a retired one leaves this set at once. */
  private readonly slots = new Set<Slot>();
  /** Every worker not exited yet, retired ones included: what close() waits for. */
  private readonly live = new Set<Worker>();
  /** Slots given to a document (running its job, or about to); the others idle. */
  private readonly held = new Set<Slot>();
  private readonly waiting: Waiter[] = [];
  private nextJob = 1;
  private closed = false;

  constructor(options: DocumentParserPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? Math.min(2, availableParallelism())));
    this.idleMs = options.idleMs ?? 30_000;
    this.workerHeapMb = options.workerHeapMb ?? 1024;
    this.inThreadBelowBytes = { ...IN_THREAD_BELOW_BYTES, ...options.inThreadBelowBytes };
    this.splitPdfFromBytes = options.splitPdfFromBytes ?? 128 * 1024;
  }

  /** Worker threads not exited yet (busy, idle or stopping). */
  get threads(): number {
    return this.live.size;
  }

  /** Parses a document like `parseDocument`, off the calling thread unless it is small text. */
  async parse(input: ParseDocumentInput): Promise<ParsedDocument> {
    const { bytes, fileName, signal } = input;
    signal?.throwIfAborted();
    if (this.closed) throw new LakegateError('INTERNAL', 'The document parser pool is closed.');
    const format = documentFormatOf(fileName, input.contentType);
    // Errors that need no parser, and small text, are answered here: a hop costs more than they do.
    if (
      format === null ||
      bytes.byteLength === 0 ||
      (isCheap(format) && bytes.byteLength < this.inThreadBelowBytes[format])
    )
      return parseDocumentInThread(input);
    const wanted = format === 'pdf' && bytes.byteLength >= this.splitPdfFromBytes ? this.size : 1;
    const slots = await this.acquire(wanted, signal);
    const first = slots[0];
    if (slots.length === 1 && first) return this.parseWhole(first, input);
    return this.parsePdfInParts(slots, input);
  }

  /** Stops every worker; parses still running fail with INTERNAL. The pool refuses new work afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.grant([]);
    await Promise.all([...this.live].map((worker) => worker.terminate()));
  }

  private async parseWhole(slot: Slot, input: ParseDocumentInput): Promise<ParsedDocument> {
    const { bytes, fileName, contentType } = input;
    let job: ParserJob;
    try {
      // One copy the worker owns (the caller keeps its bytes), transferred, not cloned.
      const copy = new Uint8Array(bytes);
      job = { id: this.nextJob++, kind: 'document', bytes: copy, fileName };
      if (contentType !== undefined) job.contentType = contentType;
    } catch (error) {
      this.release(slot);
      throw error;
    }
    const reply = await this.run(slot, job, [job.bytes.buffer as ArrayBuffer], input);
    if (reply.type !== 'document') throw new LakegateError('INTERNAL', 'Unexpected document parser reply.');
    return reply.document;
  }

  /** A big PDF: every slot reads its share of the pages; the parts are merged in page order. */
  private async parsePdfInParts(slots: Slot[], input: ParseDocumentInput): Promise<ParsedDocument> {
    const { bytes, fileName } = input;
    let shared: SharedArrayBuffer;
    try {
      // One copy, read by every part's worker (a shared buffer is neither cloned nor transferred).
      shared = new SharedArrayBuffer(bytes.byteLength);
      new Uint8Array(shared).set(bytes);
    } catch (error) {
      for (const slot of slots) this.release(slot);
      throw error;
    }
    const parts = await Promise.all(
      slots.map(async (slot, index): Promise<PdfPart> => {
        const part = { index, of: slots.length };
        const job: ParserJob = { id: this.nextJob++, kind: 'pdf-part', shared, fileName, part };
        const reply = await this.run(slot, job, [], input);
        if (reply.type !== 'pdf-part')
          throw new LakegateError('INTERNAL', 'Unexpected document parser reply.');
        return reply.part;
      }),
    );
    return requireText(fileName, assemblePdf(parts, fileName));
  }

  /**
   * Runs one job on a held slot and releases the slot when the job ends (a part that outlives its document,
   * because another part failed first, frees its worker when it finishes). Rejects with the signal's reason
   * when aborted: the worker is stopped, since a parse cannot be interrupted from outside its thread.
   */
  private run(
    slot: Slot,
    job: ParserJob,
    transfer: ArrayBuffer[],
    input: ParseDocumentInput,
  ): Promise<ParserReply> {
    const { signal, fileName } = input;
    return new Promise<ParserReply>((resolve, reject) => {
      const onAbort = (): void => this.retire(slot);
      slot.running = {
        id: job.id,
        settle: (outcome) => {
          slot.running = null;
          signal?.removeEventListener('abort', onAbort);
          this.release(slot);
          if (signal?.aborted) reject(signal.reason);
          else if (outcome instanceof Error) reject(this.crashError(outcome, fileName));
          else if (outcome.type === 'failed') reject(errorFrom(outcome.error));
          else resolve(outcome);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // A busy worker keeps the process alive (a script awaiting its parse must not exit); an idle one not.
      slot.worker.ref();
      if (!this.slots.has(slot)) {
        slot.running.settle(new Error('the parser worker has stopped'));
        return;
      }
      try {
        slot.worker.postMessage(job, transfer);
      } catch (error) {
        slot.running.settle(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (signal?.aborted) onAbort();
    });
  }

  /**
   * A worker died under a document. Out of heap is the document's doing (a PDF bomb; retrying cannot help):
   * VALIDATION_FAILED like any unreadable file. Anything else is ours, not the file's: INTERNAL.
   */
  private crashError(crash: Error & { code?: string }, fileName: string): LakegateError {
    if (crash.code === 'ERR_WORKER_OUT_OF_MEMORY')
      return unreadableDocument(
        fileName,
        `reading it needs more memory than a document parser may use (${this.workerHeapMb} MB)`,
        crash,
      );
    return new LakegateError('INTERNAL', `The document parser stopped while reading '${fileName}'.`, {
      details: { fileName },
      cause: crash,
    });
  }

  /** Between 1 and `wants` slots: idle ones first, then new workers up to `size`; waits when none is free. */
  private acquire(wants: number, signal: AbortSignal | undefined): Promise<Slot[]> {
    const now = this.take(wants);
    if (now.length > 0) return Promise.resolve(now);
    return new Promise<Slot[]>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        wants,
        grant: (slots) => {
          signal?.removeEventListener('abort', onAbort);
          if (slots.length === 0)
            reject(new LakegateError('INTERNAL', 'The document parser pool is closed.'));
          else resolve(slots);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private take(wants: number): Slot[] {
    const taken: Slot[] = [];
    for (const slot of this.slots) {
      if (taken.length >= wants) break;
      if (!this.held.has(slot)) taken.push(slot);
    }
    while (taken.length < wants && this.slots.size < this.size) taken.push(this.spawn());
    for (const slot of taken) {
      this.held.add(slot);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
    }
    return taken;
  }

  /** A slot's job ended: the next waiting document gets it, or it idles (unref'd) until it times out. */
  private release(slot: Slot): void {
    this.held.delete(slot);
    if (this.closed || !this.slots.has(slot)) return;
    this.grantWaiters();
    if (this.held.has(slot)) return;
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => this.retire(slot), this.idleMs);
    slot.idleTimer.unref();
  }

  private grantWaiters(): void {
    for (let waiter = this.waiting[0]; waiter !== undefined; waiter = this.waiting[0]) {
      const slots = this.take(waiter.wants);
      if (slots.length === 0) return;
      this.waiting.shift();
      waiter.grant(slots);
    }
  }

  /** Takes a worker out of service at once (so no document is given to it) and stops it. */
  private retire(slot: Slot): void {
    this.slots.delete(slot);
    this.held.delete(slot);
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    void slot.worker.terminate();
  }

  private spawn(): Slot {
    const worker = new Worker(workerUrl(), {
      resourceLimits: { maxOldGenerationSizeMb: this.workerHeapMb },
      // A worker inherits the process's flags, and refuses to start with --input-type (`node -e` scripts).
      execArgv: process.execArgv.filter((flag) => !flag.startsWith('--input-type')),
    });
    const slot: Slot = { worker, running: null, idleTimer: null };
    let crash: Error | null = null;
    worker.on('message', (reply: ParserReply) => {
      if (slot.running?.id === reply.id) slot.running.settle(reply);
    });
    worker.on('error', (error: Error) => {
      crash = error;
    });
    worker.on('exit', (exitCode) => {
      this.live.delete(worker);
      this.slots.delete(slot);
      this.held.delete(slot);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.running?.settle(crash ?? new Error(`the parser worker exited (code ${exitCode})`));
      // Its replacement starts when work needs one: a document waiting for a worker gets it now.
      if (!this.closed) this.grantWaiters();
    });
    this.slots.add(slot);
    this.live.add(worker);
    return slot;
  }
}
