// A knowledge base over real documents: the Debian FAQ as Debian ships it (package `debian-faq`), its
// HTML chapters and its PDF, ingested, searched and answered from. Skipped with a reason when the
// package is not installed.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, type KbFixture, kbFixture, ROOT } from './test-support.js';

const FAQ = '/usr/share/doc/debian/FAQ';
const installed =
  existsSync(join(FAQ, 'pkg-basics.en.html')) && existsSync(join(FAQ, 'debian-faq.en.pdf.gz'));

let fx: KbFixture;

describe.skipIf(!installed)('the Debian FAQ (apt-get install debian-faq)', () => {
  beforeAll(async () => {
    fx = await kbFixture('kb-faq');
    for (const name of readdirSync(FAQ).filter((n) => n.endsWith('.en.html'))) {
      await fx.put(`faq/html/${name}`, readFileSync(join(FAQ, name)));
    }
    await fx.put('faq/pdf/debian-faq.en.pdf', gunzipSync(readFileSync(join(FAQ, 'debian-faq.en.pdf.gz'))));
    await fx.kbs.create(fx.admin, 'main.docs.faq', { source: `${ROOT}/faq` });
  }, 120_000);

  afterAll(async () => {
    await fx?.close();
  });

  it('ingests every chapter and the PDF, with page numbers for PDF chunks', async () => {
    const job = await ingest(fx, fx.admin, 'main.docs.faq');
    expect(job.status).toBe('COMPLETE');
    expect(job.statistics.failed).toBe(0);
    expect(job.statistics.new).toBeGreaterThan(10);
    expect(job.statistics.chunksIndexed).toBeGreaterThan(100);
    const pdf = await fx.kbs.retrieve(fx.admin, 'main.docs.faq', {
      text: 'gcc depends on binutils linker assembler',
      numberOfResults: 5,
      filter: { stringContains: { key: 'x-amz-bedrock-kb-source-uri', value: '.pdf' } },
    });
    expect(pdf.length).toBe(5);
    for (const hit of pdf) expect(hit.metadata['x-amz-bedrock-kb-document-page-number']).toBeGreaterThan(0);
  }, 120_000);

  it('finds the passage that answers a rephrased question, and answers it with a citation', async () => {
    const hits = await fx.kbs.retrieve(fx.admin, 'main.docs.faq', {
      text: 'What happens when I install the C compiler without the linker package?',
      numberOfResults: 5,
    });
    expect(hits.some((h) => h.text.includes('binutils'))).toBe(true);
    const answer = await fx.kbs.retrieveAndGenerate(fx.admin, 'main.docs.faq', {
      text: 'Which package does the GNU C compiler depend on?',
      modelId: 'local/extractive',
    });
    expect(answer.text).toContain('binutils');
    expect(answer.citations.some((c) => c.citedText.includes('binutils'))).toBe(true);
  }, 60_000);
});
