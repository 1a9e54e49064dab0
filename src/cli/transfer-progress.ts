// Bytes and rate of a running copy, on stderr: redrawn in place on a terminal (at most every 100 ms),
// a line every second otherwise (with --progress, for logs). Stdout is left to what a script reads.

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Writer } from './command-context.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * One status line on stderr: redrawn in place on a terminal (at most every 100 ms), a line a second
 * otherwise. Shared by copies (bytes) and the demo's loads (rows).
 */
export class ProgressLine {
  private lastDraw = 0;
  private readonly inPlace: boolean;

  constructor(private readonly out: Writer) {
    this.inPlace = out.isTTY === true;
  }

  /** Draws `line()` unless the last draw was too recent; a final draw always happens and ends the line. */
  draw(line: () => string, final = false): void {
    const now = Date.now();
    if (!final && now - this.lastDraw < (this.inPlace ? 100 : 1000)) return;
    this.lastDraw = now;
    const text = line();
    this.out.write(this.inPlace ? `\r\u001b[2K${text}${final ? '\n' : ''}` : `${text}\n`);
  }
}

/** Whether to show progress on `stderr`: always on a terminal, elsewhere only when asked (--progress). */
export function showsProgress(stderr: Writer, asked: boolean | undefined): boolean {
  return asked === true || stderr.isTTY === true;
}

export class TransferProgress {
  private done = 0;
  private readonly started = Date.now();
  private readonly line: ProgressLine;

  constructor(
    out: Writer,
    private readonly label: string,
    private readonly total: number | undefined,
  ) {
    this.line = new ProgressLine(out);
  }

  /** A TransformStream that counts what passes through it. */
  meter(): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream({
      transform: (chunk, controller) => {
        this.add(chunk.byteLength);
        controller.enqueue(chunk);
      },
    });
  }

  add(bytes: number): void {
    this.done += bytes;
    this.line.draw(() => this.describe());
  }

  finish(): void {
    this.line.draw(() => this.describe(), true);
  }

  private describe(): string {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const of = this.total !== undefined ? ` / ${formatBytes(this.total)}` : '';
    const percent =
      this.total !== undefined && this.total > 0 ? ` (${Math.floor((100 * this.done) / this.total)}%)` : '';
    return `${this.label}: ${formatBytes(this.done)}${of}${percent}  ${formatBytes(this.done / seconds)}/s`;
  }
}

/** A local file as a request body, counted by `progress` when there is one. */
export function fileBody(path: string, progress: TransferProgress | undefined): ReadableStream<Uint8Array> {
  const body = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
  return progress ? body.pipeThrough(progress.meter()) : body;
}
