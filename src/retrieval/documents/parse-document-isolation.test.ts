// pdfjs' legacy build replaces built-ins (JSON.stringify, Array.prototype.push, …) of the thread that loads it
// with slower JavaScript versions (load-pdfjs.ts). parseDocument keeps pdfjs on the parser workers, so the
// calling thread — the server's event loop — is left exactly as it was. Its own file: no other test in this
// process may load pdfjs on the test thread.
import { describe, expect, it } from 'vitest';
import { closeSharedDocumentParserPool, parseDocument } from './parse-document.js';
import { makeDocx, makePdf, SAMPLE_PDF } from './test-support.js';

describe('parseDocument leaves the calling thread alone', () => {
  it('parses a PDF and a DOCX without loading pdfjs here', async () => {
    const natives = { push: Array.prototype.push, stringify: JSON.stringify, parse: JSON.parse };
    const pdf = await parseDocument({ bytes: await makePdf(), fileName: 'manual.pdf' });
    expect(pdf.title).toBe(SAMPLE_PDF.title);
    const docx = await parseDocument({ bytes: await makeDocx(), fileName: 'guide.docx' });
    expect(docx.format).toBe('docx');
    const globals = globalThis as Record<string, unknown>;
    expect(globals.pdfjsLib).toBeUndefined();
    expect(globals.pdfjsWorker).toBeUndefined();
    expect(Array.prototype.push).toBe(natives.push);
    expect(JSON.stringify).toBe(natives.stringify);
    expect(JSON.parse).toBe(natives.parse);
    await closeSharedDocumentParserPool();
  }, 60_000);
});
