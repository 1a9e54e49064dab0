import { describe, expect, it } from 'vitest';
import type { Actor } from '../../catalog/index.js';
import { LakegateError } from '../../core/index.js';
import { localRetrievalModels } from '../test-support.js';
import type { Chunk, EmbedTexts } from './chunk.js';
import { chunkDocument } from './chunk-document.js';
import { type ChunkingConfiguration, DEFAULT_CHUNKING } from './chunking-configuration.js';
import { countTokens } from './count-tokens.js';
import { parseDocument } from './parse-document.js';
import { parseText } from './parse-text.js';
import type { ParsedDocument } from './parsed-document.js';
import { makeDocx, makePdf, randomText, seededRandom } from './test-support.js';

const fixed = (maxTokens: number, overlapPercentage: number): ChunkingConfiguration => ({
  chunkingStrategy: 'FIXED_SIZE',
  fixedSizeChunkingConfiguration: { maxTokens, overlapPercentage },
});
const hierarchical = (parent: number, child: number, overlapTokens: number): ChunkingConfiguration => ({
  chunkingStrategy: 'HIERARCHICAL',
  hierarchicalChunkingConfiguration: {
    levelConfigurations: [{ maxTokens: parent }, { maxTokens: child }],
    overlapTokens,
  },
});
const semantic = (
  maxTokens: number,
  bufferSize: number,
  breakpointPercentileThreshold: number,
): ChunkingConfiguration => ({
  chunkingStrategy: 'SEMANTIC',
  semanticChunkingConfiguration: { maxTokens, bufferSize, breakpointPercentileThreshold },
});

const TESTER: Actor = { principalId: 'p-test', name: 'tester', kind: 'user', isAdmin: true };

/** The real built-in hashed n-gram embedding, as chunking calls it. */
function localEmbed(): EmbedTexts & { calls: number[] } {
  const models = localRetrievalModels();
  const calls: number[] = [];
  const embed = async (texts: string[]) => {
    calls.push(texts.length);
    return models.embed(TESTER, 'local/embed', texts, 'search_document');
  };
  return Object.assign(embed, { calls });
}

/** The cap a strategy puts on the chunks it returns (what gets embedded), or null for NONE. */
function capOf(config: ChunkingConfiguration): number | null {
  switch (config.chunkingStrategy) {
    case 'FIXED_SIZE':
      return config.fixedSizeChunkingConfiguration.maxTokens;
    case 'HIERARCHICAL':
      return config.hierarchicalChunkingConfiguration.levelConfigurations[1].maxTokens;
    case 'SEMANTIC':
      return config.semanticChunkingConfiguration.maxTokens;
    case 'NONE':
      return null;
  }
}

/**
 * The invariants every strategy keeps: exact slices, trimmed, within the cap, in order, covering all text.
 * Plain checks rather than expect() per chunk: the property test checks hundreds of thousands of chunks.
 */
function expectValidChunks(
  doc: ParsedDocument,
  chunks: readonly Chunk[],
  config: ChunkingConfiguration,
): void {
  const cap = capOf(config);
  const fail = (chunk: Chunk, why: string): never => {
    throw new Error(
      `chunk ${chunk.index} [${chunk.start}, ${chunk.end}) ${why}: ${JSON.stringify(chunk.text.slice(0, 80))}`,
    );
  };
  let previousStart = -1;
  const covered = new Uint8Array(doc.text.length);
  chunks.forEach((chunk, i) => {
    if (chunk.index !== i) fail(chunk, `has index ${chunk.index}, expected ${i}`);
    if (doc.text.slice(chunk.start, chunk.end) !== chunk.text)
      fail(chunk, 'is not the slice of the text at its offsets');
    if (chunk.text !== chunk.text.trim() || chunk.text.length === 0) fail(chunk, 'is empty or not trimmed');
    if (cap !== null && countTokens(chunk.text) > cap)
      fail(chunk, `has ${countTokens(chunk.text)} tokens, more than ${cap}`);
    if (chunk.start <= previousStart) fail(chunk, 'does not start after the previous chunk');
    previousStart = chunk.start;
    covered.fill(1, chunk.start, chunk.end);
    const parent = chunk.parent;
    if (parent) {
      if (doc.text.slice(parent.start, parent.end) !== parent.text)
        fail(chunk, 'has a parent that is not an exact slice');
      if (chunk.start < parent.start || chunk.end > parent.end) fail(chunk, 'is not inside its parent');
    }
  });
  for (let i = 0; i < doc.text.length; i++) {
    if (covered[i] === 0 && !/\s/.test(doc.text.charAt(i))) {
      throw new Error(`offset ${i} (${JSON.stringify(doc.text.slice(i, i + 20))}) is in no chunk`);
    }
  }
}

/**
 * n sentences of `words` one-token words and a full stop: "S0w0 s0w1 … s0w4." (capitalised, because a
 * full stop followed by a lowercase word is not a sentence break in Unicode's rules).
 */
function sentences(n: number, words: number): string {
  return Array.from(
    { length: n },
    (_, s) => `${Array.from({ length: words }, (_, w) => `${w === 0 ? 'S' : 's'}${s}w${w}`).join(' ')}.`,
  ).join(' ');
}

describe('chunkDocument: FIXED_SIZE', () => {
  it('packs whole sentences and repeats the overlap as Bedrock does', async () => {
    // 10 sentences of 6 tokens (5 words and a full stop); 20-token chunks hold 3 sentences; 50 % overlap
    // = 10 tokens = the last sentence of the previous chunk (two would be 12).
    const doc = parseText(sentences(10, 5));
    const chunks = await chunkDocument(doc, fixed(20, 50));
    expectValidChunks(doc, chunks, fixed(20, 50));
    const sentenceIndexes = chunks.map((c) => [...c.text.matchAll(/S(\d+)w0/g)].map((m) => Number(m[1])));
    expect(sentenceIndexes).toEqual([
      [0, 1, 2],
      [2, 3, 4],
      [4, 5, 6],
      [6, 7, 8],
      [8, 9],
    ]);
    for (const chunk of chunks) expect(chunk.text.endsWith('.')).toBe(true);
  });

  it('cuts a sentence longer than maxTokens on word boundaries', async () => {
    const doc = parseText(`${Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ')}.`);
    const chunks = await chunkDocument(doc, fixed(10, 10));
    expectValidChunks(doc, chunks, fixed(10, 10));
    expect(chunks.length).toBeGreaterThanOrEqual(10);
    for (const chunk of chunks) {
      expect(chunk.text).toMatch(/^word\d+/);
      expect(doc.text.charAt(chunk.end) === '' || doc.text.charAt(chunk.end) === ' ').toBe(true);
    }
  });

  it('cuts a single word longer than maxTokens on characters', async () => {
    const doc = parseText(`Start. ${'y'.repeat(401)} end.`);
    const chunks = await chunkDocument(doc, fixed(5, 20));
    expectValidChunks(doc, chunks, fixed(5, 20));
    expect(chunks.map((c) => c.text).join('')).toContain('y'.repeat(401));
  });

  it('keeps a short document in one chunk', async () => {
    const doc = parseText('Only one short sentence.');
    expect(await chunkDocument(doc, DEFAULT_CHUNKING)).toEqual([
      { index: 0, text: 'Only one short sentence.', start: 0, end: 24 },
    ]);
  });

  it('returns no chunks for a document with no text', async () => {
    expect(await chunkDocument(parseText('  \n\n '), DEFAULT_CHUNKING)).toEqual([]);
  });
});

describe('chunkDocument: HIERARCHICAL', () => {
  it('embeds children of the child size inside parents of the parent size, children overlapping', async () => {
    const doc = parseText(sentences(40, 5));
    const config = hierarchical(60, 20, 6);
    const chunks = await chunkDocument(doc, config);
    expectValidChunks(doc, chunks, config);
    const parents = new Map<number, NonNullable<Chunk['parent']>>();
    for (const chunk of chunks) {
      expect(chunk.parent).toBeDefined();
      if (chunk.parent) parents.set(chunk.parent.index, chunk.parent);
    }
    const parentList = [...parents.values()];
    expect(parentList.map((p) => p.index)).toEqual(parentList.map((_, i) => i));
    for (const parent of parentList) expect(countTokens(parent.text)).toBeLessThanOrEqual(60);
    // Parents tile the text without overlap; children of one parent overlap by one 6-token sentence.
    for (let i = 1; i < parentList.length; i++)
      expect(parentList[i]?.start).toBeGreaterThan(parentList[i - 1]?.end ?? 0);
    for (let i = 1; i < chunks.length; i++) {
      const [a, b] = [chunks[i - 1] as Chunk, chunks[i] as Chunk];
      if (a.parent?.index === b.parent?.index) {
        expect(b.start).toBeLessThan(a.end);
        expect(countTokens(doc.text.slice(b.start, a.end))).toBe(6);
      } else {
        expect(b.start).toBeGreaterThan(a.end);
      }
    }
  });
});

describe('chunkDocument: SEMANTIC', () => {
  it('breaks where neighbouring sentences stop being similar', async () => {
    const cats = [
      'Cats purr when content.',
      'Cats sleep most of the day.',
      'Cats chase mice at night.',
      'Cats groom their fur daily.',
    ];
    const money = [
      'Bonds pay fixed interest rates.',
      'Bonds mature after several years.',
      'Bonds trade on secondary markets.',
      'Bonds carry credit risk ratings.',
    ];
    const doc = parseText([...cats, ...money, ...cats].join(' '));
    const config = semantic(300, 0, 80);
    const embed = localEmbed();
    const chunks = await chunkDocument(doc, config, embed);
    expectValidChunks(doc, chunks, config);
    expect(chunks.map((c) => c.text)).toEqual([cats.join(' '), money.join(' '), cats.join(' ')]);
    expect(embed.calls).toEqual([12]);
  });

  it('compares groups of bufferSize sentences on each side and still caps chunks at maxTokens', async () => {
    const random = seededRandom(7);
    const doc = parseText(randomText(random, 3000));
    const config = semantic(40, 1, 95);
    const embed = localEmbed();
    const chunks = await chunkDocument(doc, config, embed);
    expectValidChunks(doc, chunks, config);
    // Embedding calls are batched (64 texts at most per call).
    expect(Math.max(...embed.calls)).toBeLessThanOrEqual(64);
    expect(embed.calls.length).toBeGreaterThan(1);
  });

  it('needs an embedding function', async () => {
    const error = await chunkDocument(parseText('One. Two.'), semantic(100, 0, 90)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakegateError);
    expect((error as LakegateError).code).toBe('VALIDATION_FAILED');
  });
});

describe('chunkDocument: NONE', () => {
  it('returns the whole document, trimmed, as one chunk', async () => {
    const doc = parseText('\n  First.\n\nSecond paragraph.  \n');
    expect(await chunkDocument(doc, { chunkingStrategy: 'NONE' })).toEqual([
      { index: 0, text: 'First.\n\nSecond paragraph.', start: 3, end: 28 },
    ]);
  });
});

describe('chunkDocument: pages and sections', () => {
  it('tells the page where a PDF chunk starts', async () => {
    const doc = await parseDocument({ bytes: await makePdf(), fileName: 'm.pdf' });
    const chunks = await chunkDocument(doc, fixed(8, 10));
    expectValidChunks(doc, chunks, fixed(8, 10));
    const pageOf = (needle: string) => chunks.find((c) => c.text.includes(needle))?.page;
    expect(pageOf('overview')).toBe(1);
    expect(pageOf('plumber')).toBe(2);
    expect(pageOf('investigations')).toBe(3);
  });

  it('tells the nearest heading of a DOCX chunk', async () => {
    const doc = await parseDocument({ bytes: await makeDocx(), fileName: 'g.docx' });
    const chunks = await chunkDocument(doc, fixed(6, 10));
    const sectionOf = (needle: string) => chunks.find((c) => c.text.includes(needle))?.section;
    expect(sectionOf('surcharge')).toBe('Flood zones');
    expect(sectionOf('Wear')).toBe('Exclusions');
    expect(sectionOf('underwrite')).toBe('Introduction');
  });
});

const FORMAT_SAMPLES: { fileName: string; bytes: () => Promise<Uint8Array> }[] = [
  { fileName: 'a.pdf', bytes: () => makePdf() },
  { fileName: 'a.docx', bytes: () => makeDocx() },
  {
    fileName: 'a.html',
    bytes: async () =>
      new TextEncoder().encode(
        `<title>T</title><h1>One</h1><p>${sentences(30, 4)}</p><pre>code  line\n  more</pre><h2>Two</h2><p>${sentences(9, 7)}</p>`,
      ),
  },
  {
    fileName: 'a.md',
    bytes: async () =>
      new TextEncoder().encode(`# One\n\n${sentences(20, 5)}\n\n## Two\n\n- a\n- b\n\n${sentences(5, 9)}`),
  },
  { fileName: 'a.txt', bytes: async () => new TextEncoder().encode(randomText(seededRandom(3), 800)) },
  {
    fileName: 'a.csv',
    bytes: async () =>
      new TextEncoder().encode(
        `id,text\n${Array.from({ length: 40 }, (_, i) => `${i},"row ${i} says ${sentences(1, 6)}"`).join('\n')}`,
      ),
  },
];

const CONFIGS: ChunkingConfiguration[] = [
  DEFAULT_CHUNKING,
  fixed(7, 40),
  hierarchical(50, 12, 3),
  semantic(25, 1, 90),
  { chunkingStrategy: 'NONE' },
];

describe('chunkDocument: every format with every strategy', () => {
  it.each(FORMAT_SAMPLES)(
    '$fileName: chunks are exact slices within the cap',
    async ({ fileName, bytes }) => {
      const doc = await parseDocument({ bytes: await bytes(), fileName });
      for (const config of CONFIGS) {
        const chunks = await chunkDocument(doc, config, localEmbed());
        expect(chunks.length).toBeGreaterThan(0);
        expectValidChunks(doc, chunks, config);
      }
    },
  );
});

describe('chunkDocument: property over random texts', () => {
  it('keeps every invariant for 150 random texts and random configurations', async () => {
    const random = seededRandom(20261126);
    for (let run = 0; run < 150; run++) {
      const doc = parseText(randomText(random, 1 + Math.floor(random() * 600)));
      const maxTokens = 1 + Math.floor(random() * (random() < 0.5 ? 12 : 400));
      const child = 1 + Math.floor(random() * maxTokens);
      const configs: ChunkingConfiguration[] = [
        fixed(maxTokens, 1 + Math.floor(random() * 99)),
        hierarchical(maxTokens, Math.max(child, 2), 1 + Math.floor(random() * (Math.max(child, 2) - 1))),
        { chunkingStrategy: 'NONE' },
      ];
      for (const config of configs) {
        const chunks = await chunkDocument(doc, config);
        try {
          expectValidChunks(doc, chunks, config);
        } catch (error) {
          throw new Error(`run ${run}, ${JSON.stringify(config)}: ${(error as Error).message}`);
        }
      }
    }
  }, 60_000);
});
