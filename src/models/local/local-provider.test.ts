import { describe, expect, it } from 'vitest';
import { collect } from '../../../test/support/collect.js';
import type { ConverseRequest, StreamEvent } from '../../core/index.js';
import { LakegateError } from '../../core/index.js';
import { PROVIDER_SPEC_VERSION } from '../spec.js';
import { deltaChunks } from './answer-stream.js';
import { CANNOT_ANSWER, createLocalProvider, estimateTokens } from './index.js';

const POLICY =
  'Water damage from a sudden burst pipe is covered up to $10,000. ' +
  'The deductible for water damage claims is $500. Premiums are due monthly.';
const QUESTION = 'What is the deductible for water damage?';

function request(extra: Partial<ConverseRequest> = {}): ConverseRequest {
  return {
    modelId: 'extractive',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'document', name: 'policy.md', format: 'md', text: POLICY },
          { type: 'text', text: QUESTION },
        ],
      },
    ],
    ...extra,
  };
}

async function rejection(promise: Promise<unknown>): Promise<LakegateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LakegateError);
  return error as LakegateError;
}

function cosine(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
}

describe('createLocalProvider', () => {
  it('is the local provider serving extractive, embed and rerank', () => {
    const provider = createLocalProvider();
    expect(provider.name).toBe('local');
    expect(provider.specVersion).toBe(PROVIDER_SPEC_VERSION);
    expect(provider.listModels?.()).toEqual(['extractive', 'embed', 'rerank']);
    expect(createLocalProvider({ name: 'offline' }).name).toBe('offline');
  });

  it('rejects invalid options as CONFIG_INVALID', () => {
    for (const options of [
      { embedDimensions: 32 },
      { embedDimensions: 5000 },
      { embedDimensions: 100.5 },
      { name: '' },
    ]) {
      expect(() => createLocalProvider(options)).toThrowError(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    }
  });
});

describe('local/extractive', () => {
  const provider = createLocalProvider();

  it('answers with quotes, citations, usage and latency', async () => {
    const response = await provider.converse(request());
    const text =
      'Water damage from a sudden burst pipe is covered up to $10,000. [1] ' +
      'The deductible for water damage claims is $500. [1]\n\nSources: [1] policy.md';
    const inputTokens = estimateTokens('policy.md') + estimateTokens(POLICY) + estimateTokens(QUESTION);
    expect(response).toEqual({
      output: { message: { role: 'assistant', content: [{ type: 'text', text }] } },
      stopReason: 'end_turn',
      usage: {
        inputTokens,
        outputTokens: estimateTokens(text),
        totalTokens: inputTokens + estimateTokens(text),
      },
      metrics: { latencyMs: expect.any(Number) },
    });
    expect(response.warnings).toBeUndefined();
  });

  it('never calls offered tools: with no source text it refuses and warns', async () => {
    const response = await provider.converse({
      modelId: 'extractive',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the status of claim C-1042?' }] }],
      toolConfig: {
        tools: [{ type: 'tool', name: 'get_claim', inputSchema: { type: 'object' } }],
        toolChoice: { type: 'any' },
      },
      inferenceConfig: { temperature: 0.2 },
    });
    expect(response.output.message.content).toEqual([{ type: 'text', text: CANNOT_ANSWER }]);
    expect(response.stopReason).toBe('end_turn');
    expect(response.warnings?.map((w) => w.setting)).toEqual(['inferenceConfig.temperature', 'toolConfig']);
    // The tool definition is part of the prompt the caller sent.
    expect(response.usage.inputTokens).toBe(
      estimateTokens('What is the status of claim C-1042?') +
        estimateTokens('get_claim') +
        estimateTokens('{"type":"object"}'),
    );
  });

  it('reports warnings on the stream metadata too', async () => {
    const events = await collect(await provider.converseStream(request({ inferenceConfig: { topP: 0.9 } })));
    expect(events.at(-1)).toMatchObject({
      type: 'metadata',
      warnings: [{ setting: 'inferenceConfig.topP', message: expect.any(String) }],
    });
  });

  it('warns that images are not read', async () => {
    const response = await provider.converse({
      ...request(),
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', format: 'png', bytes: new Uint8Array([1, 2]) },
            { type: 'text', text: QUESTION },
          ],
        },
      ],
    });
    expect(response.output.message.content).toEqual([{ type: 'text', text: CANNOT_ANSWER }]);
    expect(response.warnings).toEqual([{ setting: 'messages', message: expect.stringContaining('images') }]);
  });

  it('reports stop_sequence and max_tokens', async () => {
    const stopped = await provider.converse(request({ inferenceConfig: { stopSequences: ['[1]'] } }));
    expect(stopped.stopReason).toBe('stop_sequence');
    expect(stopped.output.message.content).toEqual([
      { type: 'text', text: 'Water damage from a sudden burst pipe is covered up to $10,000. ' },
    ]);
    const limited = await provider.converse(request({ inferenceConfig: { maxTokens: 4 } }));
    expect(limited.stopReason).toBe('max_tokens');
    expect(limited.usage.outputTokens).toBeLessThanOrEqual(4);
  });

  it('streams the same answer as the canonical event sequence', async () => {
    const whole = await provider.converse(request());
    const events = await collect(await provider.converseStream(request()));
    expect(events.map((e) => e.type)).toEqual([
      'messageStart',
      'contentBlockStart',
      ...events.filter((e) => e.type === 'textDelta').map(() => 'textDelta'),
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    expect(events[0]).toEqual({ type: 'messageStart', role: 'assistant' });
    expect(events[1]).toEqual({ type: 'contentBlockStart', index: 0, start: { type: 'text' } });
    const deltas = events.filter(
      (e): e is Extract<StreamEvent, { type: 'textDelta' }> => e.type === 'textDelta',
    );
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.every((d) => d.index === 0)).toBe(true);
    expect(deltas.map((d) => d.text).join('')).toBe(
      whole.output.message.content[0]?.type === 'text' ? whole.output.message.content[0].text : undefined,
    );
    expect(events.at(-3)).toEqual({ type: 'contentBlockStop', index: 0 });
    expect(events.at(-2)).toEqual({ type: 'messageStop', stopReason: 'end_turn' });
    expect(events.at(-1)).toEqual({
      type: 'metadata',
      usage: whole.usage,
      metrics: { latencyMs: expect.any(Number) },
    });
  });

  it('streams an empty block when a stop sequence starts the answer', async () => {
    const events = await collect(
      await provider.converseStream(request({ inferenceConfig: { stopSequences: ['Water'] } })),
    );
    expect(events.map((e) => e.type)).toEqual([
      'messageStart',
      'contentBlockStart',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    expect(events[3]).toEqual({ type: 'messageStop', stopReason: 'stop_sequence' });
  });

  it('rejects unknown models, embed-only models and cancelled calls before streaming', async () => {
    expect((await rejection(provider.converse(request({ modelId: 'gpt-4o' })))).code).toBe('MODEL_NOT_FOUND');
    expect((await rejection(provider.converseStream(request({ modelId: 'nope' })))).code).toBe(
      'MODEL_NOT_FOUND',
    );
    expect((await rejection(provider.converse(request({ modelId: 'embed' })))).code).toBe(
      'UNSUPPORTED_OPERATION',
    );
    expect((await rejection(provider.converseStream(request({ modelId: 'embed' })))).code).toBe(
      'UNSUPPORTED_OPERATION',
    );
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(provider.converse(request(), { signal: controller.signal }))).code).toBe(
      'REQUEST_CANCELLED',
    );
  });
});

describe('local/embed', () => {
  const provider = createLocalProvider();

  it('returns one unit Float32Array per input, 384 dimensions by default, with token usage', async () => {
    const inputs = ['water damage in the kitchen', 'premium payment overdue'];
    const response = await provider.embed!({ modelId: 'embed', inputs });
    expect(response.embeddings).toHaveLength(2);
    for (const embedding of response.embeddings) {
      expect(embedding).toBeInstanceOf(Float32Array);
      expect(embedding.length).toBe(384);
      expect(cosine(embedding, embedding)).toBeCloseTo(1, 5);
    }
    expect(response.usage).toEqual({ inputTokens: estimateTokens(inputs[0]!) + estimateTokens(inputs[1]!) });
  });

  it('honours the configured and the requested dimension, and rejects one out of range', async () => {
    const configured = createLocalProvider({ embedDimensions: 128 });
    expect(
      (await configured.embed!({ modelId: 'embed', inputs: ['a burst pipe'] })).embeddings[0]?.length,
    ).toBe(128);
    const asked = await configured.embed!({ modelId: 'embed', inputs: ['a burst pipe'], dimensions: 1024 });
    expect(asked.embeddings[0]?.length).toBe(1024);
    for (const dimensions of [63, 4097, 300.5]) {
      const error = await rejection(provider.embed!({ modelId: 'embed', inputs: ['x'], dimensions }));
      expect(error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('is deterministic across provider instances and orders similarity sensibly', async () => {
    const inputs = [
      'water damage in the kitchen',
      'kitchen flooded by a burst pipe',
      'premium payment overdue',
    ];
    const a = await provider.embed!({ modelId: 'embed', inputs, inputType: 'search_query' });
    const b = await createLocalProvider().embed!({ modelId: 'embed', inputs, inputType: 'search_document' });
    expect(a.embeddings.map((e) => Array.from(e))).toEqual(b.embeddings.map((e) => Array.from(e)));
    const [kitchen, flooded, premium] = a.embeddings as [Float32Array, Float32Array, Float32Array];
    expect(cosine(kitchen, flooded)).toBeGreaterThan(cosine(kitchen, premium));
    expect(cosine(flooded, kitchen)).toBeGreaterThan(cosine(flooded, premium));
  });

  it('embeds 1,000 texts and an empty batch', async () => {
    const inputs = Array.from({ length: 1000 }, (_, i) => `claim ${i}: water damage after a burst pipe`);
    expect((await provider.embed!({ modelId: 'embed', inputs })).embeddings).toHaveLength(1000);
    expect(await provider.embed!({ modelId: 'embed', inputs: [] })).toEqual({
      embeddings: [],
      usage: { inputTokens: 0 },
    });
  });

  it('is not a chat model, and extractive is not an embedding model', async () => {
    expect((await rejection(provider.embed!({ modelId: 'extractive', inputs: ['x'] }))).code).toBe(
      'UNSUPPORTED_OPERATION',
    );
    expect((await rejection(provider.embed!({ modelId: 'ada-002', inputs: ['x'] }))).code).toBe(
      'MODEL_NOT_FOUND',
    );
  });
});

describe('countTokens', () => {
  const provider = createLocalProvider();

  it('estimates the prompt for both models and rejects unknown ones', async () => {
    const expected = estimateTokens('policy.md') + estimateTokens(POLICY) + estimateTokens(QUESTION);
    expect(await provider.countTokens!(request())).toEqual({ inputTokens: expected });
    expect(await provider.countTokens!(request({ modelId: 'embed' }))).toEqual({ inputTokens: expected });
    expect(await provider.countTokens!(request({ system: [{ type: 'text', text: 'Be brief.' }] }))).toEqual({
      inputTokens: expected + estimateTokens('Be brief.'),
    });
    expect((await rejection(provider.countTokens!(request({ modelId: 'x' })))).code).toBe('MODEL_NOT_FOUND');
  });
});

describe('deltaChunks', () => {
  it('cuts text into deltas of four words that concatenate to the text', () => {
    const text = ' One two three four five six seven eight nine.\n\nSources: [1] a.md ';
    const chunks = deltaChunks(text);
    expect(chunks.join('')).toBe(text);
    expect(chunks).toEqual([
      ' One two three four',
      ' five six seven eight',
      ' nine.\n\nSources: [1] a.md',
      ' ',
    ]);
    expect(deltaChunks('')).toEqual([]);
  });
});
