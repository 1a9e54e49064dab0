// Bytes and rate of a running copy, on stderr: redrawn in place on a terminal (at most every 100 ms),
// a line every second otherwise (with --progress, for logs). Stdout is left to what a script reads.

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

export class TransferProgress {
  private done = 0;
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(
    private readonly out: Writer,
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly inPlace: boolean,
  ) {}

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
    const now = Date.now();
    if (now - this.lastDraw >= (this.inPlace ? 100 : 1000)) {
      this.lastDraw = now;
      this.draw(false);
    }
  }

  finish(): void {
    this.draw(true);
  }

  private draw(final: boolean): void {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const of = this.total !== undefined ? ` / ${formatBytes(this.total)}` : '';
    const percent =
      this.total !== undefined && this.total > 0 ? ` (${Math.floor((100 * this.done) / this.total)}%)` : '';
    const line = `${this.label}: ${formatBytes(this.done)}${of}${percent}  ${formatBytes(this.done / seconds)}/s`;
    if (this.inPlace) this.out.write(`\r\u001b[2K${line}${final ? '\n' : ''}`);
    else this.out.write(`${line}\n`);
  }
}
