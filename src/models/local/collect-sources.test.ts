import { describe, expect, it } from 'vitest';
import { collectSources } from './collect-sources.js';

describe('collectSources', () => {
  it('takes the last user text as the question even when tool results follow it', () => {
    const { question, units } = collectSources({
      modelId: 'extractive',
      system: [{ type: 'text', text: 'Answer about claims.' }, { type: 'cachePoint' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Which claims are open?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me look.' },
            { type: 'toolUse', toolUseId: 'tu_1', name: 'list_claims', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'toolResult',
              toolUseId: 'tu_1',
              content: [
                {
                  type: 'json',
                  json: [
                    { id: 'C-1', status: 'open' },
                    { id: 'C-2', status: 'closed' },
                  ],
                },
                { type: 'text', text: 'Two claims found.' },
                { type: 'image', format: 'png', bytes: new Uint8Array([1]) },
              ],
            },
          ],
        },
      ],
    });
    expect(question).toBe('Which claims are open?');
    expect(units).toEqual([
      { label: 'context', text: 'Answer about claims.' },
      { label: 'context', text: 'Let me look.' },
      { label: 'tool result tu_1', text: '{"id":"C-1","status":"open"}\n{"id":"C-2","status":"closed"}' },
      { label: 'tool result tu_1', text: 'Two claims found.' },
    ]);
  });

  it('labels documents by name, skips documents without text and empty text', () => {
    const { question, units } = collectSources({
      modelId: 'extractive',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', name: 'policy.txt', format: 'txt', text: 'Hail is covered.' },
            { type: 'document', name: '', format: 'txt', text: 'Mold is excluded.' },
            { type: 'document', name: 'scan.pdf', format: 'pdf', bytes: new Uint8Array([37, 80]) },
            { type: 'text', text: '  ' },
            { type: 'text', text: 'Is hail covered?' },
          ],
        },
      ],
    });
    expect(question).toBe('Is hail covered?');
    expect(units).toEqual([
      { label: 'policy.txt', text: 'Hail is covered.' },
      { label: 'document', text: 'Mold is excluded.' },
    ]);
  });

  it('has no question when no user turn has text', () => {
    expect(collectSources({ modelId: 'extractive', messages: [] })).toEqual({ question: '', units: [] });
  });
});
