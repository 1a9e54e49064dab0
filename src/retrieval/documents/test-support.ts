// Real fixture files for document tests, generated with the libraries other tools use to write them
// (pdf-lib for PDF, docx for Word), so the parsers read what real producers emit.
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { seededRandom } from '../../core/index.js';

export interface PdfFixture {
  title: string;
  author: string;
  /** The text lines of each page, in order. */
  pages: string[][];
}

export const SAMPLE_PDF: PdfFixture = {
  title: 'Claims Handling Manual',
  author: 'Lakegate Insurance',
  pages: [
    [
      'Claims handling overview.',
      'Every claim is registered within two working days.',
      'The adjuster confirms the policy is active.',
    ],
    ['Water damage claims need photos of the damage.', 'A plumber report is required above 5000 euros.'],
    [
      'Fraud indicators are escalated to the special investigations unit.',
      'The unit answers within ten days.',
    ],
  ],
};

/** A multi-page PDF with a title and author in its document info, one text line per entry. */
export async function makePdf(fixture: PdfFixture = SAMPLE_PDF): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(fixture.title);
  pdf.setAuthor(fixture.author);
  pdf.setCreationDate(new Date('2024-03-01T10:00:00Z'));
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of fixture.pages) {
    const page = pdf.addPage([595, 842]);
    lines.forEach((line, i) => {
      // Lines 40 points apart: a clear paragraph gap for 12-point text.
      page.drawText(line, { x: 50, y: 780 - i * 40, size: 12, font });
    });
  }
  return pdf.save();
}

export interface DocxFixture {
  title: string;
  creator: string;
  blocks: ({ heading: string; level: 1 | 2 } | { paragraph: string })[];
}

export const SAMPLE_DOCX: DocxFixture = {
  title: 'Underwriting Guide',
  creator: 'Risk Team',
  blocks: [
    { heading: 'Introduction', level: 1 },
    { paragraph: 'This guide explains how we underwrite home policies.' },
    { heading: 'Flood zones', level: 2 },
    { paragraph: 'Homes in flood zone A pay a surcharge of 15 percent.' },
    { paragraph: 'Zone B homes need an elevation certificate.' },
    { heading: 'Exclusions', level: 1 },
    { paragraph: 'Wear and tear is never covered.' },
  ],
};

/** A DOCX with Heading 1/2 styles, body paragraphs and core properties (title, creator). */
export async function makeDocx(fixture: DocxFixture = SAMPLE_DOCX): Promise<Uint8Array> {
  const children = fixture.blocks.map((block) =>
    'heading' in block
      ? new Paragraph({
          text: block.heading,
          heading: block.level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2,
        })
      : new Paragraph({ children: [new TextRun(block.paragraph)] }),
  );
  const doc = new Document({ title: fixture.title, creator: fixture.creator, sections: [{ children }] });
  return new Uint8Array(await Packer.toBuffer(doc));
}

const WORDS = [
  'claim',
  'policy',
  'adjuster',
  'water',
  'damage',
  'the',
  'a',
  'of',
  'is',
  'premium',
  'underwriting',
  'extraordinarily',
  'reinsurance',
  'deductible',
  'x',
  '42',
  '3.14',
  'e-mail',
  'naïve',
  '東京',
  'Straße',
  'supercalifragilisticexpialidocious',
  'https://example.com/a/b?c=d',
  '—',
  '(see',
  'note)',
  '“quoted”',
];

/** Random text with sentences, paragraphs, line breaks, long words and odd whitespace. */
export function randomText(random: () => number, approxWords: number): string {
  let text = '';
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  for (let i = 0; i < approxWords; i++) {
    const r = random();
    let word = pick(WORDS);
    if (r < 0.01) word = 'y'.repeat(1 + Math.floor(random() * 400)); // longer than any small chunk
    text += word;
    const s = random();
    if (s < 0.08) text += '. ';
    else if (s < 0.1) text += '?\n';
    else if (s < 0.12) text += '.\n\n';
    else if (s < 0.13) text += '\t';
    else if (s < 0.14) text += '  \n   ';
    else text += ' ';
  }
  return random() < 0.5 ? text : `  \n${text}`;
}

export { seededRandom };
