// The parser pool runs the built worker (dist/retrieval/documents/document-parser-worker.js): the test setup
// builds dist/ first (run `npx tsc -p tsconfig.build.json` when running this file alone after an edit).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { LakegateError, seededRandom } from '../../core/index.js';
import { DocumentParserPool } from './document-parser-pool.js';
import { parseDocumentInThread } from './parse-in-thread.js';
import { makePdf, SAMPLE_PDF } from './test-support.js';

const FAQ_PDF = '/usr/share/doc/debian/FAQ/debian-faq.en.pdf.gz';
const haveFaq = existsSync(FAQ_PDF);
const faqBytes = (): Uint8Array => gunzipSync(readFileSync(FAQ_PDF));

/** A PDF of `pageCount` pages with three paragraphs each, every line saying where it is. */
function longPdf(pageCount: number, linesPerPage = 3): Promise<Uint8Array> {
  return makePdf({
    ...SAMPLE_PDF,
    pages: Array.from({ length: pageCount }, (_, p) =>
      Array.from(
        { length: linesPerPage },
        (_, l) => `Page ${p + 1}, paragraph ${l + 1}: claims are registered.`,
      ),
    ),
  });
}

const pools: DocumentParserPool[] = [];
function pool(options: ConstructorParameters<typeof DocumentParserPool>[0]): DocumentParserPool {
  const created = new DocumentParserPool(options);
  pools.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('DocumentParserPool: a PDF read in page ranges is the PDF read in one piece', () => {
  it.skipIf(!haveFaq)(
    'the Debian FAQ (73 pages, outline): text, pages, sections and metadata are identical',
    async () => {
      const bytes = faqBytes();
      const parallel = pool({ size: 2 });
      const inParts = await parallel.parse({ bytes, fileName: 'debian-faq.en.pdf' });
      // Both workers took part: a pool of two starts its second worker only for a split document.
      expect(parallel.threads).toBe(2);
      const whole = await parseDocumentInThread({ bytes, fileName: 'debian-faq.en.pdf' });
      expect(inParts).toEqual(whole);
      expect(inParts.sections.filter((s) => s.heading !== null).length).toBeGreaterThan(100);
      // The caller's bytes were copied, not taken.
      expect(bytes.byteLength).toBeGreaterThan(0);
    },
    60_000,
  );

  it('a generated 61-page PDF in three uneven ranges, and a 2-page one with more workers than pages', async () => {
    const bytes = await longPdf(61);
    const three = pool({ size: 3, splitPdfFromBytes: 0 });
    const inParts = await three.parse({ bytes, fileName: 'long.pdf' });
    expect(three.threads).toBe(3);
    expect(inParts).toEqual(await parseDocumentInThread({ bytes, fileName: 'long.pdf' }));
    expect(inParts.pages?.map((p) => p.number)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    const page31 = inParts.pages?.[30];
    expect(inParts.text.slice(page31?.start, page31?.end)).toBe(
      [1, 2, 3].map((l) => `Page 31, paragraph ${l}: claims are registered.`).join('\n\n'),
    );

    const short = await makePdf({ ...SAMPLE_PDF, pages: SAMPLE_PDF.pages.slice(0, 2) });
    const fromThree = await three.parse({ bytes: short, fileName: 'short.pdf' });
    expect(fromThree).toEqual(await parseDocumentInThread({ bytes: short, fileName: 'short.pdf' }));
    expect(fromThree.metadata).toMatchObject({ page_count: 2, author: SAMPLE_PDF.author });
  }, 60_000);

  it('refuses a broken PDF read in parts as VALIDATION_FAILED, like in one piece', async () => {
    const bytes = await makePdf();
    const parallel = pool({ size: 2, splitPdfFromBytes: 0 });
    await expect(parallel.parse({ bytes: bytes.slice(0, 200), fileName: 'cut.pdf' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining("'cut.pdf'"),
    });
    // The pool is still usable afterwards.
    await expect(parallel.parse({ bytes, fileName: 'ok.pdf' })).resolves.toMatchObject({
      title: SAMPLE_PDF.title,
    });
  }, 60_000);
});

describe('DocumentParserPool: off the event loop', () => {
  it.skipIf(!haveFaq)(
    'the event loop keeps ticking while a big PDF parses',
    async () => {
      const bytes = faqBytes();
      const parser = pool({ size: 2 });
      await parser.parse({ bytes, fileName: 'warm-up.pdf' });
      let ticks = 0;
      const interval = setInterval(() => ticks++, 1);
      try {
        const doc = await parser.parse({ bytes, fileName: 'debian-faq.en.pdf' });
        // A parse on this thread would hold the loop for the whole document (it yields every 8 pages: about
        // ten ticks for this one); on workers the loop only receives the result, and ticks all along.
        expect(doc.pages?.length).toBe(73);
        expect(ticks).toBeGreaterThan(30);
      } finally {
        clearInterval(interval);
      }
    },
    60_000,
  );

  it('parses small text in place and everything else on a worker', async () => {
    const parser = pool({ size: 1 });
    const small = new TextEncoder().encode('A short note.');
    expect((await parser.parse({ bytes: small, fileName: 'note.txt' })).text).toBe('A short note.');
    expect(parser.threads).toBe(0);
    const large = new TextEncoder().encode('A longer note. '.repeat(1_000));
    expect((await parser.parse({ bytes: large, fileName: 'long.md' })).text).toBe(
      'A longer note. '.repeat(1_000).trim(),
    );
    expect(parser.threads).toBe(1);
    // Errors that need no parser are answered in place too.
    await expect(parser.parse({ bytes: new Uint8Array(), fileName: 'empty.pdf' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('idle workers exit after idleMs, and a script that parsed a PDF exits without waiting for them', async () => {
    const parser = pool({ size: 1, idleMs: 100 });
    await parser.parse({ bytes: await makePdf(), fileName: 'm.pdf' });
    expect(parser.threads).toBe(1);
    await eventually(() => parser.threads === 0, 'the idle worker to exit');

    const dist = fileURLToPath(new URL('../../../dist/retrieval/documents/index.js', import.meta.url));
    const script = `
      const { parseDocument } = await import(${JSON.stringify(dist)});
      const bytes = new TextEncoder().encode('Exits promptly. '.repeat(10000));
      const doc = await parseDocument({ bytes, fileName: 'a.md' });
      console.log(doc.text.length);`;
    // The shared pool's worker idles for 30 s: the child would hang past the test's timeout if it were ref'd.
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe(String('Exits promptly. '.repeat(10000).trim().length));
  }, 30_000);
});

describe('DocumentParserPool: cancellation, crashes, close', () => {
  it('an abort stops the workers of that document; the pool starts new ones for the next', async () => {
    const bytes = await longPdf(120);
    const parser = pool({ size: 2, splitPdfFromBytes: 0 });
    const during = new AbortController();
    const parsing = parser.parse({ bytes, fileName: 'long.pdf', signal: during.signal });
    await eventually(() => parser.threads === 2, 'both workers to start');
    setTimeout(() => during.abort(), 20);
    await expect(parsing).rejects.toMatchObject({ name: 'AbortError' });
    await eventually(() => parser.threads === 0, 'the stopped workers to exit');
    const doc = await parser.parse({ bytes, fileName: 'long.pdf' });
    expect(doc.pages).toHaveLength(120);
  }, 60_000);

  it('an abort while waiting for a worker leaves the running document alone', async () => {
    const parser = pool({ size: 1 });
    const running = parser.parse({ bytes: await longPdf(40), fileName: 'first.pdf' });
    const waiting = new AbortController();
    const queued = parser.parse({ bytes: await makePdf(), fileName: 'second.pdf', signal: waiting.signal });
    waiting.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    await expect(running).resolves.toMatchObject({ metadata: { page_count: 40 } });
  }, 60_000);

  it('a worker that dies under a document fails that document only, and is replaced', async () => {
    // 16 MB of heap parses small files but not a CSV of 1.5 million rows (each a JS array once parsed): the
    // worker runs out of memory and dies.
    const parser = pool({ size: 1, workerHeapMb: 16 });
    const big = new TextEncoder().encode('a,b\n'.repeat(1_500_000));
    const error = await parser.parse({ bytes: big, fileName: 'bomb.csv' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LakegateError);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message:
        "Cannot read document 'bomb.csv': reading it needs more memory than a document parser may use (16 MB)",
    });
    await eventually(() => parser.threads === 0, 'the dead worker to be gone');
    const text = 'Still parsing. '.repeat(1_000);
    const doc = await parser.parse({ bytes: new TextEncoder().encode(text), fileName: 'after.md' });
    expect(doc.text).toBe(text.trim());
    expect(parser.threads).toBe(1);
  }, 60_000);

  it('a PDF that grows PDFium past the memory limit is refused; the worker carries on with a fresh PDFium', async () => {
    // WebAssembly memory is outside V8's heap limit, so the worker checks PDFium's heap itself. A PDF with
    // 20 MB of attached data cannot be read within 20 MB (PDFium starts at about 18 MB, a few of them free);
    // a small one can.
    const parser = pool({ size: 1, workerHeapMb: 20 });
    const pdf = await PDFDocument.load(await makePdf());
    const next = seededRandom(3);
    const blob = Uint8Array.from({ length: 20 * 2 ** 20 }, () => Math.floor(next() * 256));
    await pdf.attach(blob, 'blob.bin', { mimeType: 'application/octet-stream' });
    const bomb = await pdf.save();
    await expect(parser.parse({ bytes: bomb, fileName: 'bomb.pdf' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message:
        "Cannot read document 'bomb.pdf': reading it needs more memory than a document parser may use (20 MB)",
    });
    const doc = await parser.parse({ bytes: await makePdf(), fileName: 'after.pdf' });
    expect(doc.title).toBe(SAMPLE_PDF.title);
    expect(parser.threads).toBe(1);
  }, 60_000);

  it('close() stops every worker and refuses new work', async () => {
    const parser = pool({ size: 2, splitPdfFromBytes: 0 });
    await parser.parse({ bytes: await longPdf(10), fileName: 'a.pdf' });
    expect(parser.threads).toBe(2);
    await parser.close();
    expect(parser.threads).toBe(0);
    await expect(parser.parse({ bytes: await makePdf(), fileName: 'b.pdf' })).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  }, 60_000);
});
