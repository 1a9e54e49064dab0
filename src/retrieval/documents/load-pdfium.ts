// PDFium (the PDF engine of Chromium) compiled to WebAssembly, from @embedpdf/pdfium: loaded once per
// thread, only in parser workers. Chosen over pdfjs by measurement on the Debian FAQ PDF: about 240 pages/s
// of text per core against about 100 (bench/retrieval), with a 4.6 MB module that needs no network, no
// fonts folder and no replaced built-ins, and runs on every Node version we support.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { init, type WrappedPdfiumModule } from '@embedpdf/pdfium';

export type Pdfium = WrappedPdfiumModule;

/** The Emscripten heap of the module (its types come from @types/emscripten, which it does not ship). */
export interface PdfiumHeap {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
  HEAPF64: Float64Array;
}

/**
 * The module's raw exports for the calls made per line of text: Emscripten's `ccall` wrappers convert every
 * argument on every call, which cost more than the calls themselves at a few hundred per page.
 */
export interface PdfiumHotCalls {
  FPDFText_GetCharOrigin(textPage: number, index: number, x: number, y: number): number;
  FPDFText_GetFontSize(textPage: number, index: number): number;
}

export function hotCallsOf(pdfium: Pdfium): PdfiumHotCalls {
  return pdfium.pdfium.wasmExports as unknown as PdfiumHotCalls;
}

export function heapOf(pdfium: Pdfium): PdfiumHeap {
  return pdfium.pdfium as unknown as PdfiumHeap;
}

let pdfium: Promise<Pdfium> | null = null;

/**
 * Forgets this thread's instance, so that its memory (which WebAssembly never gives back) goes with the
 * garbage and the next document starts a fresh one. For after a document made the heap grow past its limit.
 */
export function discardPdfium(): void {
  pdfium = null;
}

export function loadPdfium(): Promise<Pdfium> {
  pdfium ??= (async () => {
    // The module would fetch its .wasm from a URL; it is read from the installed package instead.
    const wasmBinary = readFileSync(createRequire(import.meta.url).resolve('@embedpdf/pdfium/pdfium.wasm'));
    const module = await init({
      wasmBinary: wasmBinary.buffer.slice(
        wasmBinary.byteOffset,
        wasmBinary.byteOffset + wasmBinary.byteLength,
      ) as ArrayBuffer,
    });
    module.PDFiumExt_Init();
    return module;
  })();
  return pdfium;
}
