import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../../test/support/collect.js';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import type { ConverseRequest, StreamEvent } from '../../core/index.js';
import type { ModelProvider } from '../spec.js';
import { createOpenAICompatibleProvider, OPENAI_COMPATIBLE_PRESETS } from './index.js';

const SSE = { 'content-type': 'text/event-stream' };
const text = (name: string) => readFixture(new URL(`./fixtures/${name}`, import.meta.url));
const chunksOf = async (name: string, size = 41): Promise<string[]> => {
  const body = await text(name);
  const out: string[] = [];
  for (let i = 0; i < body.length; i += size) out.push(body.slice(i, i + size));
  return out;
};
const withoutMetrics = (events: StreamEvent[]) =>
  events.map((e) => (e.type === 'metadata' ? { ...e, metrics: { latencyMs: 0 } } : e));

let server: ScriptedServer;
const providers: ModelProvider[] = [];
/** A preset pointed at the scripted server: everything but the URL comes from the preset. */
function preset(
  name: keyof typeof OPENAI_COMPATIBLE_PRESETS,
  env: Record<string, string> = {},
): ModelProvider {
  const provider = createOpenAICompatibleProvider({ name, preset: name, baseUrl: `${server.url}/v1`, env });
  providers.push(provider);
  return provider;
}

beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  for (const provider of providers) await provider.close?.();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

const ask: ConverseRequest = {
  modelId: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Status of CLM-1042?' }] }],
  inferenceConfig: { maxTokens: 512, temperature: 0.6 },
};

describe('OpenAI-compatible presets', () => {
  it('vllm: reranks through /v1/rerank, best first, with its token usage', async () => {
    const vllm = preset('vllm');
    server.enqueue({ body: await text('vllm-rerank.json'), headers: { 'content-type': 'application/json' } });
    const documents = [
      'Kitchen fires are reported to the fire service.',
      'The adjuster visits a flooded basement within two working days.',
      'Storm damage to roofs needs photos.',
    ];
    const response = await vllm.rerank!({
      modelId: 'BAAI/bge-reranker-base',
      query: 'who visits a flooded basement',
      documents,
      topN: 3,
    });
    const request = server.lastRequest();
    expect(request.url).toBe('/v1/rerank');
    expect(request.json).toEqual({
      model: 'BAAI/bge-reranker-base',
      query: 'who visits a flooded basement',
      documents,
      top_n: 3,
    });
    expect(response.results.map((r) => r.index)).toEqual([1, 2, 0]);
    expect(response.results[0]!.relevanceScore).toBeCloseTo(0.998, 3);
    expect(response.usage).toEqual({ inputTokens: 53 });
    // A server without the endpoint, and one that names a document that is not there.
    server.enqueue({ status: 404, body: { object: 'error', message: 'Not Found', code: 404 } });
    await expect(vllm.rerank!({ modelId: 'm', query: 'q', documents: ['a'] })).rejects.toMatchObject({
      name: 'LakegateError',
    });
    server.enqueue({ body: { results: [{ index: 5, relevance_score: 0.5 }] } });
    await expect(vllm.rerank!({ modelId: 'm', query: 'q', documents: ['a'] })).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_BAD_RESPONSE',
    });
  });

  it('vllm: max_tokens, no key, and reasoning_content as a reasoning block', async () => {
    const vllm = preset('vllm');
    server.enqueue({
      body: await text('vllm-reasoning.json'),
      headers: { 'content-type': 'application/json' },
    });
    const response = await vllm.converse(ask);
    const request = server.lastRequest();
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.headers['authorization']).toBeUndefined();
    expect(request.json).toEqual({
      model: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B',
      messages: [{ role: 'user', content: 'Status of CLM-1042?' }],
      max_tokens: 512,
      temperature: 0.6,
    });
    expect(response.output.message.content).toEqual([
      { type: 'reasoning', text: 'The claim was filed in March; the payout record shows it was paid.' },
      { type: 'text', text: 'CLM-1042 was paid in full.' },
    ]);
    expect(response.stopReason).toBe('end_turn');
    expect(response.usage).toEqual({ inputTokens: 41, outputTokens: 34, totalTokens: 75 });
  });

  it('vllm: streams reasoning, text and a tool call as separate blocks in order', async () => {
    const vllm = preset('vllm');
    server.enqueue({ headers: SSE, chunks: await chunksOf('vllm-reasoning.chunks.txt') });
    const events = await collect(await vllm.converseStream(ask));
    expect(server.lastRequest().json).toEqual({
      model: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B',
      messages: [{ role: 'user', content: 'Status of CLM-1042?' }],
      max_tokens: 512,
      temperature: 0.6,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(withoutMetrics(events)).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'reasoning' } },
      { type: 'reasoningDelta', index: 0, text: 'I need the' },
      { type: 'reasoningDelta', index: 0, text: ' claim record.' },
      { type: 'contentBlockStop', index: 0 },
      { type: 'contentBlockStart', index: 1, start: { type: 'text' } },
      { type: 'textDelta', index: 1, text: 'Looking it up.' },
      { type: 'contentBlockStop', index: 1 },
      {
        type: 'contentBlockStart',
        index: 2,
        start: { type: 'toolUse', toolUseId: 'chatcmpl-tool-5d3f9b2a1c7e4f60', name: 'lookup_claim' },
      },
      { type: 'toolUseDelta', index: 2, input: '{"claim_id": "' },
      { type: 'toolUseDelta', index: 2, input: 'CLM-1042"}' },
      { type: 'contentBlockStop', index: 2 },
      { type: 'messageStop', stopReason: 'tool_use' },
      {
        type: 'metadata',
        usage: { inputTokens: 210, outputTokens: 52, totalTokens: 262 },
        metrics: { latencyMs: 0 },
      },
    ]);
  });

  it('ollama: reads the newer `reasoning` field and a tool call sent whole', async () => {
    const ollama = preset('ollama');
    server.enqueue({ headers: SSE, chunks: await chunksOf('ollama-reasoning.chunks.txt') });
    const events = await collect(await ollama.converseStream({ ...ask, modelId: 'qwen3:8b' }));
    expect(withoutMetrics(events)).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'reasoning' } },
      { type: 'reasoningDelta', index: 0, text: 'Check the claim.' },
      { type: 'contentBlockStop', index: 0 },
      {
        type: 'contentBlockStart',
        index: 1,
        start: { type: 'toolUse', toolUseId: 'call_k2v9x1qz', name: 'lookup_claim' },
      },
      { type: 'toolUseDelta', index: 1, input: '{"claim_id":"CLM-1042"}' },
      { type: 'contentBlockStop', index: 1 },
      { type: 'messageStop', stopReason: 'tool_use' },
      {
        type: 'metadata',
        usage: { inputTokens: 150, outputTokens: 31, totalTokens: 181 },
        metrics: { latencyMs: 0 },
      },
    ]);
  });

  it('groq: key from GROQ_API_KEY, max_completion_tokens, usage from x_groq', async () => {
    const groq = preset('groq', { GROQ_API_KEY: 'gsk_test' });
    server.enqueue({ headers: SSE, chunks: await chunksOf('groq-text.chunks.txt') });
    const events = await collect(await groq.converseStream({ ...ask, modelId: 'llama-3.3-70b-versatile' }));
    expect(server.lastRequest().headers['authorization']).toBe('Bearer gsk_test');
    expect(server.lastRequest().json).toMatchObject({
      max_completion_tokens: 512,
      stream_options: { include_usage: true },
    });
    expect(events.at(-1)).toMatchObject({
      type: 'metadata',
      usage: { inputTokens: 48, outputTokens: 3, totalTokens: 51 },
    });
  });

  it('mistral: does not send stream_options', async () => {
    const mistral = preset('mistral', { MISTRAL_API_KEY: 'mk' });
    server.enqueue({ headers: SSE, chunks: await chunksOf('groq-text.chunks.txt') });
    await collect(await mistral.converseStream({ ...ask, modelId: 'mistral-large-latest' }));
    expect(server.lastRequest().json).toEqual({
      model: 'mistral-large-latest',
      messages: [{ role: 'user', content: 'Status of CLM-1042?' }],
      max_tokens: 512,
      temperature: 0.6,
      stream: true,
    });
  });

  it('deepseek: cached prefix tokens are reported as cache reads', async () => {
    const deepseek = preset('deepseek', { DEEPSEEK_API_KEY: 'ds' });
    server.enqueue({
      body: await text('deepseek-text.json'),
      headers: { 'content-type': 'application/json' },
    });
    const response = await deepseek.converse({ ...ask, modelId: 'deepseek-chat' });
    expect(server.lastRequest().headers['authorization']).toBe('Bearer ds');
    expect(response.usage).toEqual({
      inputTokens: 10,
      outputTokens: 6,
      totalTokens: 1296,
      cacheReadInputTokens: 1280,
    });
  });

  it('a server that omits tool call ids and answers stop with tool calls still yields tool_use', async () => {
    const llamacpp = preset('llamacpp');
    server.enqueue({
      body: {
        object: 'chat.completion',
        model: 'qwen2.5-7b-instruct-q4_k_m.gguf',
        choices: [
          {
            index: 0,
            finish_reason: 'stop',
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ type: 'function', function: { name: 'now', arguments: '' } }],
            },
          },
        ],
        usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
      },
    });
    const response = await llamacpp.converse({ ...ask, modelId: 'qwen2.5' });
    expect(response.stopReason).toBe('tool_use');
    expect(response.output.message.content).toEqual([
      { type: 'toolUse', toolUseId: expect.stringMatching(/^call_[0-9a-f]{24}$/), name: 'now', input: {} },
    ]);
  });

  it('PDFs become a warning on servers without file parts, and a file part on openrouter', async () => {
    const request: ConverseRequest = {
      modelId: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Summarise.' },
            { type: 'document', name: 'form.pdf', format: 'pdf', bytes: new Uint8Array([37, 80, 68, 70]) },
          ],
        },
      ],
    };
    server.enqueue({
      body: await text('deepseek-text.json'),
      headers: { 'content-type': 'application/json' },
    });
    const local = await preset('llamacpp').converse(request);
    expect(server.lastRequest().json).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'Summarise.' }],
    });
    expect(local.warnings).toEqual([expect.objectContaining({ setting: 'messages.content.document' })]);

    server.enqueue({
      body: await text('deepseek-text.json'),
      headers: { 'content-type': 'application/json' },
    });
    const routed = await preset('openrouter', { OPENROUTER_API_KEY: 'or' }).converse(request);
    expect(server.lastRequest().json).toEqual({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Summarise.' },
            {
              type: 'file',
              file: { filename: 'form.pdf', file_data: 'data:application/pdf;base64,JVBERg==' },
            },
          ],
        },
      ],
    });
    expect(routed.warnings).toBeUndefined();
  });

  it('explicit options beat the preset, and no baseUrl at all is a config error', () => {
    expect(() => createOpenAICompatibleProvider({ name: 'custom' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    const custom = createOpenAICompatibleProvider({
      name: 'custom',
      baseUrl: 'http://127.0.0.1:1/v1',
      models: ['a'],
    });
    providers.push(custom);
    expect(custom.name).toBe('custom');
    expect(custom.listModels?.()).toEqual(['a']);
  });

  it('every preset has a base URL and a max tokens field', () => {
    expect(Object.keys(OPENAI_COMPATIBLE_PRESETS).sort()).toEqual([
      'deepseek',
      'fireworks',
      'groq',
      'llamacpp',
      'mistral',
      'ollama',
      'openrouter',
      'together',
      'vllm',
    ]);
    expect(OPENAI_COMPATIBLE_PRESETS.ollama.baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(OPENAI_COMPATIBLE_PRESETS.llamacpp.baseUrl).toBe('http://127.0.0.1:8080/v1');
    for (const value of Object.values(OPENAI_COMPATIBLE_PRESETS)) {
      expect(new URL(value.baseUrl).pathname).toMatch(/\/v1$/);
      expect(['max_tokens', 'max_completion_tokens']).toContain(value.maxTokensField);
    }
  });
});
