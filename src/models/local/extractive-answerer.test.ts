import { describe, expect, it } from 'vitest';
import type { ContentBlock, ConverseRequest, InferenceConfig, Message } from '../../core/index.js';
import { answerExtractively, rankSentences } from './extractive-answerer.js';
import { CANNOT_ANSWER } from './render-answer.js';
import { estimateTokens } from './token-estimate.js';

const POLICY =
  'Section 4. Water damage from a sudden burst pipe is covered up to $10,000. ' +
  'The deductible for water damage claims is $500. Mold remediation is excluded.\n\n' +
  'Premiums are due monthly. A late payment starts a 10-day grace period.';

function ask(
  question: string,
  blocks: ContentBlock[] = [],
  extra: Partial<ConverseRequest> = {},
): ConverseRequest {
  return {
    modelId: 'extractive',
    messages: [{ role: 'user', content: [...blocks, { type: 'text', text: question }] }],
    ...extra,
  };
}

function doc(name: string, text: string): ContentBlock {
  return { type: 'document', name, format: 'md', text };
}

function withConfig(request: ConverseRequest, inferenceConfig: InferenceConfig): ConverseRequest {
  return { ...request, inferenceConfig };
}

describe('answerExtractively', () => {
  it('quotes the best sentences in source order with citations and a Sources line', () => {
    const answer = answerExtractively(
      ask('What is the deductible for water damage from a burst pipe?', [doc('policy.md', POLICY)]),
    );
    expect(answer).toEqual({
      text:
        'Water damage from a sudden burst pipe is covered up to $10,000. [1] ' +
        'The deductible for water damage claims is $500. [1]\n\nSources: [1] policy.md',
      stopReason: 'end_turn',
    });
  });

  it('numbers sources by first citation and cites tool results and context', () => {
    const request: ConverseRequest = {
      modelId: 'extractive',
      system: [{ type: 'text', text: 'Claim C-1042 belongs to the Harbor Street property.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Look up claim C-1042.' }] },
        {
          role: 'assistant',
          content: [{ type: 'toolUse', toolUseId: 'tu_7', name: 'get_claim', input: { id: 'C-1042' } }],
        },
        {
          role: 'user',
          content: [
            {
              type: 'toolResult',
              toolUseId: 'tu_7',
              content: [{ type: 'json', json: { claimId: 'C-1042', status: 'approved', payout: 4200 } }],
            },
            doc(
              'adjuster-notes.md',
              'The Harbor Street claim payout was approved after the roof inspection.',
            ),
            { type: 'text', text: 'What payout was approved for the Harbor Street claim C-1042?' },
          ],
        },
      ],
    };
    const answer = answerExtractively(request);
    expect(answer.stopReason).toBe('end_turn');
    // Three quotes at most: the earlier "Look up claim C-1042." ranks fourth and is left out.
    expect(answer.text).toBe(
      [
        'Claim C-1042 belongs to the Harbor Street property. [1]',
        '{"claimId":"C-1042","status":"approved","payout":4200} [2]',
        'The Harbor Street claim payout was approved after the roof inspection. [3]',
        '',
        'Sources: [1] context; [2] tool result tu_7; [3] adjuster-notes.md',
      ].join('\n'),
    );
  });

  it('answers exactly the refusal when no sentence shares a term with the question', () => {
    expect(
      answerExtractively(ask('Who won the football match yesterday?', [doc('policy.md', POLICY)])),
    ).toEqual({
      text: CANNOT_ANSWER,
      stopReason: 'end_turn',
    });
    expect(CANNOT_ANSWER).toBe('I cannot answer that from the provided context.');
  });

  it('refuses when there is no source text, when the question has only stop words, and never quotes the question', () => {
    expect(answerExtractively(ask('Is water damage covered?')).text).toBe(CANNOT_ANSWER);
    expect(answerExtractively(ask('What is it?', [doc('policy.md', POLICY)])).text).toBe(CANNOT_ANSWER);
    expect(answerExtractively({ modelId: 'extractive', messages: [] }).text).toBe(CANNOT_ANSWER);
  });

  it('never writes words that are not in the sources, apart from markers and labels', () => {
    const sources = [POLICY, 'Hail damage to roofs is covered. Flood from rivers needs a rider.'];
    const answer = answerExtractively(
      ask('Is flood or hail damage covered?', [doc('policy.md', sources[0]!), doc('riders.md', sources[1]!)]),
    );
    const [body, sourcesLine] = answer.text.split('\n\nSources: ');
    expect(sourcesLine).toBeDefined();
    for (const line of body!.split('\n')) {
      for (const quote of line.split(/ \[\d+\] ?/).filter((q) => q !== '')) {
        expect(sources.some((source) => source.includes(quote))).toBe(true);
      }
    }
  });

  it('prefers a sentence next to a strong match over an equal one elsewhere', () => {
    const ranked = rankSentences(
      ask('Were the roof gutters cleaned after the hail?', [
        doc('notes.md', 'Gutters get cleaned in spring.'),
        doc('roof.md', 'Hail damaged the roof. Gutters get cleaned in autumn.'),
      ]),
    );
    expect(ranked.map((q) => q.text)).toEqual([
      'Hail damaged the roof.',
      'Gutters get cleaned in autumn.',
      'Gutters get cleaned in spring.',
    ]);
  });

  it('quotes earlier turns as context without re-citing its own earlier answers', () => {
    const messages: Message[] = [
      { role: 'user', content: [{ type: 'text', text: 'The insured vehicle is a blue 2019 Volvo.' }] },
      {
        role: 'assistant',
        content: [{ type: 'text', text: `${CANNOT_ANSWER}\n\nSources: [1] context` }],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'The Volvo was parked outside. [1]' }] },
      { role: 'user', content: [{ type: 'text', text: 'Which vehicle is insured?' }] },
    ];
    const answer = answerExtractively({ modelId: 'extractive', messages });
    expect(answer.text).toBe('The insured vehicle is a blue 2019 Volvo. [1]\n\nSources: [1] context');
  });

  it('truncates at the earliest stop sequence', () => {
    const request = withConfig(ask('What is the deductible for water damage?', [doc('policy.md', POLICY)]), {
      stopSequences: ['$', 'deductible'],
    });
    expect(answerExtractively(request)).toEqual({
      text: 'Water damage from a sudden burst pipe is covered up to ',
      stopReason: 'stop_sequence',
    });
    const unmatched = withConfig(request, { stopSequences: ['', 'volcano'] });
    expect(answerExtractively(unmatched).stopReason).toBe('end_turn');
  });

  it('stops adding sentences when the answer would exceed maxTokens', () => {
    const request = ask('What is the deductible for water damage from a burst pipe?', [
      doc('policy.md', POLICY),
    ]);
    const full = answerExtractively(request).text;
    const one =
      'Water damage from a sudden burst pipe is covered up to $10,000. [1]\n\nSources: [1] policy.md';
    expect(answerExtractively(withConfig(request, { maxTokens: estimateTokens(full) }))).toEqual({
      text: full,
      stopReason: 'end_turn',
    });
    expect(answerExtractively(withConfig(request, { maxTokens: estimateTokens(full) - 1 }))).toEqual({
      text: one,
      stopReason: 'max_tokens',
    });
  });

  it('cuts the text itself when not even one quote fits, and the refusal too', () => {
    const request = ask('What is the deductible for water damage?', [doc('policy.md', POLICY)]);
    const answer = answerExtractively(withConfig(request, { maxTokens: 5 }));
    // "deductible" is 3 pieces: The(1) deductible(3) for(1).
    expect(answer).toEqual({ text: 'The deductible for', stopReason: 'max_tokens' });
    expect(estimateTokens(answer.text)).toBeLessThanOrEqual(5);
    const refusal = answerExtractively(withConfig(ask('Who won the match?'), { maxTokens: 3 }));
    expect(refusal).toEqual({ text: 'I cannot answer', stopReason: 'max_tokens' });
  });
});

describe('context and question in one turn', () => {
  it('answers from the context that precedes the question', async () => {
    const { splitQuestion } = await import('./collect-sources.js');
    expect(
      splitQuestion('The roof leaked in May. The repair cost 900 EUR. How much did the repair cost?'),
    ).toEqual({
      question: 'How much did the repair cost?',
      context: 'The roof leaked in May. The repair cost 900 EUR.',
    });
    expect(splitQuestion('Notes:\nThe roof leaked.\n\nWhen did it leak')).toEqual({
      question: 'When did it leak',
      context: 'Notes:\nThe roof leaked.',
    });
    expect(splitQuestion('Why is the sky blue?')).toEqual({ question: 'Why is the sky blue?' });
  });
});
