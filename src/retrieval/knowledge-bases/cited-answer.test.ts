// Citations from an answer's markers: spans into the cleaned text, markers mapped through a "Sources:"
// line when the model wrote one, numbers that are not sources left in the prose, nothing invented.

import { describe, expect, it } from 'vitest';
import { citeAnswer, generationInput } from './cited-answer.js';
import type { RetrievedChunk } from './search-chunks.js';

const chunk = (n: number): RetrievedChunk => ({
  chunkId: `f${n}#0`,
  documentPath: `/Volumes/main/docs/files/${n}.txt`,
  text: `text ${n}`,
  score: 1,
  metadata: {},
});
const chunks = [chunk(1), chunk(2), chunk(3)];

describe('citeAnswer', () => {
  it('maps markers through the Sources line and points spans into the clean text', () => {
    const answer = citeAnswer(
      'Pipes burst. [1] Leaks are excluded. [2]\nVisit in five days. [1]\n\nSources: [1] Source 3; [2] Source 1',
      chunks,
    );
    expect(answer.text).toBe('Pipes burst. Leaks are excluded.\nVisit in five days.');
    expect(answer.citations.map((c) => [c.citedText, c.references.map((r) => r.chunkId)])).toEqual([
      ['Pipes burst.', ['f3#0']],
      ['Leaks are excluded.', ['f1#0']],
      ['Visit in five days.', ['f3#0']],
    ]);
    for (const c of answer.citations) expect(answer.text.slice(c.start, c.end)).toBe(c.citedText);
  });

  it('reads [n] as Source n without a Sources line, and [n, m] as two references', () => {
    const answer = citeAnswer('In 2024 [2023] rules changed [1, 3]. Nothing else.', chunks);
    expect(answer.text).toBe('In 2024 [2023] rules changed. Nothing else.');
    expect(answer.citations).toHaveLength(1);
    expect(answer.citations[0]).toMatchObject({ citedText: 'In 2024 [2023] rules changed', start: 0 });
    expect(answer.citations[0]?.references.map((r) => r.chunkId)).toEqual(['f1#0', 'f3#0']);
  });

  it('invents no citation for an answer without markers', () => {
    expect(citeAnswer('I cannot answer that from the provided context.', chunks)).toEqual({
      text: 'I cannot answer that from the provided context.',
      citations: [],
    });
  });
});

describe('generationInput', () => {
  it('sends the chunks as numbered documents, with the citing instruction only when asked', () => {
    const input = generationInput('Why?', chunks, { instruct: true, inferenceConfig: { maxTokens: 50 } });
    expect(input.system?.[0]).toMatchObject({ type: 'text' });
    expect(input.inferenceConfig).toEqual({ maxTokens: 50 });
    const content = input.messages[0]?.content ?? [];
    expect(content.map((b) => (b.type === 'document' ? b.name : b.type))).toEqual([
      'Source 1',
      'Source 2',
      'Source 3',
      'text',
    ]);
    expect(generationInput('Why?', chunks, { instruct: false }).system).toBeUndefined();
  });

  it('fills a Bedrock prompt template', () => {
    const input = generationInput('Why?', chunks.slice(0, 1), {
      instruct: false,
      promptTemplate: 'Q: $query$\n$search_results$',
    });
    expect(input.messages[0]?.content[0]).toEqual({ type: 'text', text: 'Q: Why?\n[1] text 1' });
  });
});
