import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { LakegateError } from '../../core/index.js';
import { chunkDocument } from './chunk-document.js';
import { DEFAULT_CHUNKING } from './chunking-configuration.js';
import { countTokens } from './count-tokens.js';
import { documentFormatOf } from './document-format.js';
import { parseDocument } from './parse-document.js';
import type { ParsedDocument } from './parsed-document.js';
import { makeDocx, makePdf, SAMPLE_DOCX, SAMPLE_PDF } from './test-support.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Every section and page is a real span of the text, in order, and a heading starts its section. */
function expectConsistentSpans(doc: ParsedDocument): void {
  let previous = 0;
  for (const section of doc.sections) {
    expect(section.start).toBeGreaterThanOrEqual(previous);
    expect(section.end).toBeGreaterThanOrEqual(section.start);
    expect(section.end).toBeLessThanOrEqual(doc.text.length);
    // PDF headings come from the outline and are found in the page text (checked in the Debian FAQ test).
    if (section.heading !== null && doc.format !== 'pdf')
      expect(doc.text.slice(section.start).startsWith(section.heading)).toBe(true);
    previous = section.end;
  }
  for (const page of doc.pages ?? []) {
    expect(page.end).toBeGreaterThanOrEqual(page.start);
    expect(page.end).toBeLessThanOrEqual(doc.text.length);
  }
  expect(doc.text).not.toMatch(/\n{3,}/);
}

async function rejection(promise: Promise<unknown>): Promise<LakegateError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LakegateError);
  return error as LakegateError;
}

describe('documentFormatOf', () => {
  it('knows formats by extension, case-insensitively, and falls back to the content type', () => {
    expect(documentFormatOf('a/b/Report.PDF')).toBe('pdf');
    expect(documentFormatOf('guide.docx')).toBe('docx');
    expect(documentFormatOf('page.htm')).toBe('html');
    expect(documentFormatOf('README.md')).toBe('markdown');
    expect(documentFormatOf('notes.txt')).toBe('text');
    expect(documentFormatOf('rows.csv', 'application/octet-stream')).toBe('csv');
    expect(documentFormatOf('README', 'text/plain; charset=utf-8')).toBe('text');
    expect(documentFormatOf('upload', 'application/pdf')).toBe('pdf');
  });

  it('answers null for what it cannot parse', () => {
    expect(documentFormatOf('sheet.xlsx')).toBeNull();
    expect(documentFormatOf('image.png', 'image/png')).toBeNull();
    expect(documentFormatOf('.pdf')).toBeNull(); // a hidden file named "pdf", not a PDF
    expect(documentFormatOf('noext')).toBeNull();
  });
});

describe('parseDocument: text', () => {
  it('keeps text as written, without BOM and with LF line ends', async () => {
    const doc = await parseDocument({
      bytes: utf8('\uFEFFFirst line\r\nsecond line\r\n\r\nNext paragraph.\r'),
      fileName: 'a.txt',
    });
    expect(doc).toMatchObject({
      format: 'text',
      title: null,
      text: 'First line\nsecond line\n\nNext paragraph.\n',
    });
    expectConsistentSpans(doc);
  });

  it('reads invalid UTF-8 as replacement characters', async () => {
    const bytes = new Uint8Array([0x61, 0x62, 0xff, 0xfe, 0x63, 0xc3]);
    const doc = await parseDocument({ bytes, fileName: 'broken.txt' });
    expect(doc.text).toBe('ab\uFFFD\uFFFDc\uFFFD');
  });
});

describe('parseDocument: markdown', () => {
  const markdown = [
    '# Claims &amp; Policies',
    '',
    'Intro with *emphasis*, a [link](https://example.com) and `inline code`.',
    '',
    '## Filing',
    '',
    '1. Register the claim',
    '2. Call the adjuster',
    '   - with the policy number',
    '',
    '```sql',
    'SELECT * FROM claims;',
    '```',
    '',
    '> Quoted advice.',
    '',
    '| field | meaning |',
    '|---|---|',
    '| id | claim id |',
    '',
    'Setext heading',
    '--------------',
    '',
    'Last words.<br>New line &lt;kept&gt;',
  ].join('\n');

  it('turns headings into sections and keeps code and tables as text', async () => {
    const doc = await parseDocument({ bytes: utf8(markdown), fileName: 'guide.md' });
    expect(doc.title).toBe('Claims & Policies');
    expect(doc.sections.map((s) => [s.heading, s.level])).toEqual([
      ['Claims & Policies', 1],
      ['Filing', 2],
      ['Setext heading', 2],
    ]);
    expect(doc.text).toContain('Intro with emphasis, a link and inline code.');
    expect(doc.text).toContain('1. Register the claim\n2. Call the adjuster\n  with the policy number');
    expect(doc.text).toContain('SELECT * FROM claims;');
    expect(doc.text).toContain('Quoted advice.');
    expect(doc.text).toContain('field | meaning\nid | claim id');
    expect(doc.text).toContain('Last words.\nNew line <kept>');
    expect(doc.text.replace('SELECT * FROM', '')).not.toMatch(/[*`#]|\]\(/);
    expectConsistentSpans(doc);
  });
});

describe('parseDocument: markdown front matter', () => {
  it('reads YAML front matter as metadata and title, not as text', async () => {
    const source =
      '---\ntitle: Claims FAQ\nowner: claims-team\nversion: 3\ndraft: false\ntags: [a, b]\n---\n\n# First heading\n\nBody.\n';
    const doc = await parseDocument({ bytes: utf8(source), fileName: 'faq.md' });
    expect(doc.title).toBe('Claims FAQ');
    expect(doc.metadata).toEqual({ owner: 'claims-team', version: 3, draft: false });
    expect(doc.text).toBe('First heading\n\nBody.');
  });

  it('leaves a document that merely starts with a rule alone', async () => {
    const doc = await parseDocument({ bytes: utf8('---\nnot: [valid yaml\n---\n\nText.'), fileName: 'r.md' });
    expect(doc.text).toContain('Text.');
    expect(doc.metadata).toEqual({});
  });
});

describe('parseDocument: html', () => {
  const html = `<!doctype html><html><head><title>Claims &amp; You</title><style>p { color: red }</style>
    <script>var secret = "not text";</script></head><body>
    <nav><a href="/">Home</a> <a href="/x">Menu item</a></nav>
    <h1>Filing a claim</h1><p>Call us &mdash; any
       time.<br>   We answer fast.</p>
    <div>Block one<div>Nested block</div>tail</div>
    <h2>Documents</h2><ul><li>Photos</li><li>Receipts</li></ul>
    <table><tr><th>Kind</th><td></td><th>Days</th></tr><tr><td>Water</td><td></td><td>5</td></tr></table>
    <pre>line 1
  indented line 2</pre><noscript>enable js</noscript></body></html>`;

  it('extracts block text, headings and the title, dropping script, style and nav', async () => {
    const doc = await parseDocument({ bytes: utf8(html), fileName: 'page.html' });
    expect(doc.title).toBe('Claims & You');
    expect(doc.sections.map((s) => s.heading)).toEqual(['Filing a claim', 'Documents']);
    expect(doc.text.split('\n\n')).toEqual([
      'Filing a claim',
      'Call us — any time.\nWe answer fast.',
      'Block one',
      'Nested block',
      'tail',
      'Documents',
      'Photos',
      'Receipts',
      'Kind | Days',
      'Water | 5',
      'line 1\n  indented line 2',
    ]);
    expect(doc.text).not.toMatch(/secret|color|Menu item|enable js/);
    expectConsistentSpans(doc);
  });

  it('uses the first h1 when there is no title', async () => {
    const doc = await parseDocument({
      bytes: utf8('<h2>Minor</h2><p>x</p><h1>Main</h1>'),
      fileName: 'p.html',
    });
    expect(doc.title).toBe('Main');
  });
});

describe('parseDocument: csv', () => {
  it('makes each row a paragraph of column: value lines', async () => {
    const csv =
      'claim_id,status,note\r\nC-1,open,"water, kitchen"\r\nC-2,closed,\r\n\r\nC-3,open,"multi\nline"\r\n';
    const doc = await parseDocument({ bytes: utf8(csv), fileName: 'claims.csv' });
    expect(doc.text).toBe(
      'claim_id: C-1\nstatus: open\nnote: water, kitchen\n\nclaim_id: C-2\nstatus: closed\n\nclaim_id: C-3\nstatus: open\nnote: multi line',
    );
    expect(doc.metadata).toMatchObject({ row_count: 3, columns: 'claim_id, status, note' });
  });

  it('rejects CSV with an unterminated quote', async () => {
    const error = await rejection(parseDocument({ bytes: utf8('a,b\n1,"open'), fileName: 'bad.csv' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain("'bad.csv'");
    expect(error.message).toContain('not valid CSV');
  });
});

describe('parseDocument: docx', () => {
  it('keeps Heading styles as sections and reads the core properties', async () => {
    const doc = await parseDocument({ bytes: await makeDocx(), fileName: 'guide.docx' });
    expect(doc.format).toBe('docx');
    expect(doc.title).toBe(SAMPLE_DOCX.title);
    expect(doc.metadata.author).toBe(SAMPLE_DOCX.creator);
    expect(doc.sections.map((s) => [s.heading, s.level])).toEqual([
      ['Introduction', 1],
      ['Flood zones', 2],
      ['Exclusions', 1],
    ]);
    const expected = SAMPLE_DOCX.blocks.map((b) => ('heading' in b ? b.heading : b.paragraph)).join('\n\n');
    expect(doc.text).toBe(expected);
    expectConsistentSpans(doc);
  });

  it('rejects a zip that is not a DOCX and bytes that are not a zip', async () => {
    const notDocx = await rejection(
      parseDocument({ bytes: await zipWithOneFile('hello.txt', 'hi'), fileName: 'fake.docx' }),
    );
    expect(notDocx.code).toBe('VALIDATION_FAILED');
    expect(notDocx.message).toContain("'fake.docx'");
    const notZip = await rejection(parseDocument({ bytes: utf8('just text'), fileName: 'text.docx' }));
    expect(notZip.code).toBe('VALIDATION_FAILED');
    expect(notZip.message).toContain('not a readable DOCX');
  });

  it('rejects a DOCX whose XML would inflate beyond the limit (a zip bomb) before inflating it', async () => {
    const bytes = await makeDocx();
    // Patch the declared uncompressed size of word/document.xml in the central directory to 300 MB.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const name = utf8('word/document.xml');
    let patched = false;
    for (let at = 0; at + 46 < bytes.byteLength; at++) {
      if (view.getUint32(at, true) !== 0x02014b50) continue;
      const nameLength = view.getUint16(at + 28, true);
      const entryName = bytes.subarray(at + 46, at + 46 + nameLength);
      if (entryName.length === name.length && entryName.every((b, i) => b === name[i])) {
        view.setUint32(at + 24, 300 * 1024 * 1024, true);
        patched = true;
      }
    }
    expect(patched).toBe(true);
    const error = await rejection(parseDocument({ bytes, fileName: 'bomb.docx' }));
    expect(error.message).toContain('the limit is');
  });
});

/** A minimal valid ZIP archive (stored, no compression) holding one file. */
async function zipWithOneFile(name: string, content: string): Promise<Uint8Array> {
  const { crc32 } = await import('node:zlib');
  const nameBytes = utf8(name);
  const data = utf8(content);
  const crc = crc32(data);
  const local = new DataView(new ArrayBuffer(30));
  local.setUint32(0, 0x04034b50, true);
  local.setUint16(4, 20, true);
  local.setUint32(14, crc, true);
  local.setUint32(18, data.length, true);
  local.setUint32(22, data.length, true);
  local.setUint16(26, nameBytes.length, true);
  const central = new DataView(new ArrayBuffer(46));
  central.setUint32(0, 0x02014b50, true);
  central.setUint16(4, 20, true);
  central.setUint16(6, 20, true);
  central.setUint32(16, crc, true);
  central.setUint32(20, data.length, true);
  central.setUint32(24, data.length, true);
  central.setUint16(28, nameBytes.length, true);
  const centralOffset = 30 + nameBytes.length + data.length;
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, 1, true);
  end.setUint16(10, 1, true);
  end.setUint32(12, 46 + nameBytes.length, true);
  end.setUint32(16, centralOffset, true);
  const parts = [
    new Uint8Array(local.buffer),
    nameBytes,
    data,
    new Uint8Array(central.buffer),
    nameBytes,
    new Uint8Array(end.buffer),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('parseDocument: pdf', () => {
  it('reads text per page with the title and author from the document info', async () => {
    const bytes = await makePdf();
    const doc = await parseDocument({ bytes, fileName: 'manual.pdf' });
    expect(doc.format).toBe('pdf');
    expect(doc.title).toBe(SAMPLE_PDF.title);
    expect(doc.metadata).toMatchObject({
      page_count: 3,
      author: SAMPLE_PDF.author,
      created: '2024-03-01T10:00:00.000Z',
    });
    expect(doc.pages?.map((p) => p.number)).toEqual([1, 2, 3]);
    SAMPLE_PDF.pages.forEach((lines, i) => {
      const page = doc.pages?.[i];
      expect(page).toBeDefined();
      // Lines 40 points apart are paragraphs of their own.
      expect(doc.text.slice(page?.start, page?.end)).toBe(lines.join('\n\n'));
    });
    expectConsistentSpans(doc);
    // The caller's bytes are intact (they were copied into PDFium's heap).
    expect(bytes.byteLength).toBeGreaterThan(0);
  });

  it('joins wrapped lines into paragraphs and puts words hyphenated at a line end back together', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([595, 842]);
    // 14 points apart: a line wrap; 40 points: a new paragraph.
    const lines: Array<[string, number]> = [
      ['The claim was regis-', 780],
      ['tered on Monday and the adjuster', 766],
      ['visited the site.', 752],
      ['Payment followed in May.', 712],
    ];
    for (const [text, y] of lines) page.drawText(text, { x: 50, y, size: 12, font });
    const doc = await parseDocument({ bytes: await pdf.save(), fileName: 'wrapped.pdf' });
    expect(doc.text).toBe(
      'The claim was registered on Monday and the adjuster\nvisited the site.\n\nPayment followed in May.',
    );
  });

  it('rejects a truncated PDF and a file that only claims to be one', async () => {
    const bytes = await makePdf();
    const truncated = await rejection(parseDocument({ bytes: bytes.slice(0, 200), fileName: 'cut.pdf' }));
    expect(truncated.code).toBe('VALIDATION_FAILED');
    expect(truncated.message).toContain("'cut.pdf'");
    const fake = await rejection(
      parseDocument({ bytes: utf8('%PDF-1.7 nothing else'), fileName: 'fake.pdf' }),
    );
    expect(fake.code).toBe('VALIDATION_FAILED');
  });

  it('stops when its signal is aborted, before or while it parses', async () => {
    const before = new AbortController();
    before.abort();
    await expect(
      parseDocument({ bytes: await makePdf(), fileName: 'm.pdf', signal: before.signal }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    // 60 pages take a while: abort after the first ones.
    const many = { ...SAMPLE_PDF, pages: Array.from({ length: 60 }, (_, i) => [`Page ${i + 1} text.`]) };
    const during = new AbortController();
    const parsing = parseDocument({
      bytes: await makePdf(many),
      fileName: 'long.pdf',
      signal: during.signal,
    });
    setTimeout(() => during.abort(), 5);
    await expect(parsing).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('parseDocument: bad input', () => {
  it.each(['empty.pdf', 'empty.docx', 'empty.html', 'empty.md', 'empty.txt', 'empty.csv'])(
    'rejects the 0-byte %s',
    async (fileName) => {
      const error = await rejection(parseDocument({ bytes: new Uint8Array(), fileName }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toBe(`Cannot read document '${fileName}': the file is empty`);
    },
  );

  it('rejects an unknown file type and a document without text', async () => {
    const unknown = await rejection(parseDocument({ bytes: utf8('x'), fileName: 'image.png' }));
    expect(unknown.message).toContain('unsupported file type');
    const blank = await rejection(
      parseDocument({ bytes: utf8('<html><script>x()</script></html>'), fileName: 'blank.html' }),
    );
    expect(blank.message).toContain('contains no text');
  });
});

const FAQ = '/usr/share/doc/debian/FAQ';
const haveFaq = existsSync(`${FAQ}/basic-defs.en.html`) && existsSync(`${FAQ}/debian-faq.en.pdf.gz`);

describe.skipIf(!haveFaq)(
  'parseDocument: the Debian FAQ (package debian-faq; skipped when not installed)',
  () => {
    it('parses the HTML chapter with its headings', async () => {
      const doc = await parseDocument({
        bytes: readFileSync(`${FAQ}/basic-defs.en.html`),
        fileName: 'basic-defs.en.html',
      });
      expect(doc.title).toBe('Chapter 1. Definitions and overview');
      expect(doc.sections.map((s) => s.heading)).toContain('1.2. What is Debian GNU/Linux?');
      expect(doc.text).toContain(
        'Debian GNU/Linux is a particular distribution of the Linux operating system',
      );
      expectConsistentSpans(doc);
    });

    it('parses the whole FAQ as PDF, page by page', async () => {
      const bytes = gunzipSync(readFileSync(`${FAQ}/debian-faq.en.pdf.gz`));
      const doc = await parseDocument({ bytes, fileName: 'debian-faq.en.pdf' });
      expect(doc.title).toBe('The Debian GNU/Linux FAQ');
      expect(doc.pages?.length).toBeGreaterThan(20);
      expect(doc.metadata.page_count).toBe(doc.pages?.length);
      const at = doc.text.indexOf('What is Debian GNU/Linux?');
      expect(at).toBeGreaterThan(0);
      const page = doc.pages?.find((p) => p.start <= at && at < p.end);
      expect(page?.number).toBeGreaterThan(1);
      expectConsistentSpans(doc);
      // The outline (bookmarks) becomes sections, each found on its page in the text.
      const headed = doc.sections.filter((s) => s.heading !== null);
      expect(headed.length).toBeGreaterThan(100);
      // The outline and the page text differ in quotes, hyphenation and line wraps: compare letters and digits.
      const letters = (text: string) => text.replace(/[^\p{L}\p{N}]/gu, '');
      const found = headed.filter((s) =>
        letters(doc.text.slice(s.start, s.start + 400)).startsWith(letters(s.heading ?? '')),
      );
      expect(found.length / headed.length).toBeGreaterThan(0.95);
      const faq = headed.find((s) => s.heading === 'What is this FAQ?');
      expect(faq).toMatchObject({ level: 2, page: 9 });
      expect(doc.text.slice(faq?.start, faq?.end)).toContain(
        'This document gives frequently asked questions',
      );
    }, 60_000);

    it('chunks the FAQ PDF with the default strategy, each chunk knowing its page and section', async () => {
      const bytes = gunzipSync(readFileSync(`${FAQ}/debian-faq.en.pdf.gz`));
      const doc = await parseDocument({ bytes, fileName: 'debian-faq.en.pdf' });
      const chunks = await chunkDocument(doc, DEFAULT_CHUNKING);
      expect(chunks.length).toBeGreaterThan(100);
      for (const chunk of chunks) {
        expect(doc.text.slice(chunk.start, chunk.end)).toBe(chunk.text);
        expect(countTokens(chunk.text)).toBeLessThanOrEqual(300);
      }
      const faq = doc.sections.find((s) => s.heading === 'What is this FAQ?');
      const inFaq = chunks.find((c) => faq && c.start >= faq.start);
      expect(inFaq).toMatchObject({ page: 9, section: 'What is this FAQ?' });
      expect(inFaq?.text).toContain('If you can’t find what you’re looking for in this FAQ');
    }, 60_000);
  },
);
