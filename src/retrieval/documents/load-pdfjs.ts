// pdfjs, loaded once per thread. Its legacy build (the one that runs on Node 20) bundles core-js, which on
// import REPLACES built-ins of the thread it loads in with JavaScript versions — Array.prototype.push and
// JSON.stringify/parse among them (measured: JSON.stringify ~5× and push ~1.3–3× slower for everything on
// that thread afterwards). Node 20's own are correct, so they are put back once both pdfjs modules have
// loaded (~15 % less CPU per PDF). Only parser workers load pdfjs: the event loop's thread never does.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

/** pdfjs' worker half, which runs on the same thread when imported first ("fake worker"). Untyped. */
const PDFJS_WORKER_MODULE: string = 'pdfjs-dist/legacy/build/pdf.worker.mjs';

let pdfjs: Promise<PdfJs> | null = null;
let standardFontDataUrl: string | null = null;

function keepNatives(): () => void {
  const push = Array.prototype.push;
  const { stringify, parse } = JSON;
  return () => {
    Object.defineProperty(Array.prototype, 'push', { value: push, writable: true, configurable: true });
    Object.defineProperty(JSON, 'stringify', { value: stringify, writable: true, configurable: true });
    Object.defineProperty(JSON, 'parse', { value: parse, writable: true, configurable: true });
  };
}

export function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= (async () => {
    const restore = keepNatives();
    try {
      // The worker half first: pdfjs then uses it in-thread instead of importing it on the first document
      // (which would replace the built-ins again after they were put back).
      await import(PDFJS_WORKER_MODULE);
      return await import('pdfjs-dist/legacy/build/pdf.mjs');
    } finally {
      restore();
    }
  })();
  return pdfjs;
}

/** The package's standard fonts folder (pdfjs wants a trailing slash); without it pdfjs warns on every file. */
export function fontsFolder(): string {
  if (standardFontDataUrl === null) {
    const require = createRequire(import.meta.url);
    standardFontDataUrl = `${join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;
  }
  return standardFontDataUrl;
}
