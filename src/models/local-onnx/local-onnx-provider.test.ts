import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbedRequest, LakegateError, providerConfigSchema } from '../../core/index.js';
import { createProvider } from '../registry.js';
import type { ModelProvider } from '../spec.js';
import { createLocalOnnxProvider, type LocalOnnxProviderOptions } from './index.js';
import { tinyModelFolder, writeTinyEmbeddingModel } from './test-support.js';

const tiny = tinyModelFolder('tiny-encoder', { dim: 48, maxPositions: 24 });
const providers: ModelProvider[] = [];
afterAll(async () => {
  for (const provider of providers) await provider.close?.();
  tiny.remove();
});

function provider(options: Partial<LocalOnnxProviderOptions> = {}): ModelProvider {
  const created = createLocalOnnxProvider({ name: 'onnx', modelPath: tiny.path, ...options });
  providers.push(created);
  return created;
}

const shared = provider();

async function embed(
  inputs: string[],
  extra: Partial<EmbedRequest> = {},
  target: ModelProvider = shared,
): Promise<{ vectors: Float32Array[]; tokens: number }> {
  if (!target.embed) throw new Error('local-onnx must embed');
  const response = await target.embed({ modelId: 'tiny-encoder', inputs, ...extra });
  return { vectors: response.embeddings, tokens: response.usage.inputTokens };
}

async function rejection(promise: Promise<unknown>): Promise<LakegateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LakegateError);
  return error as LakegateError;
}

function dot(a: Float32Array | undefined, b: Float32Array | undefined): number {
  if (!a || !b) throw new Error('missing vector');
  return a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
}

function norm(v: Float32Array | undefined): number {
  return Math.sqrt(dot(v, v));
}

describe('local-onnx embeddings (tiny model on onnxruntime-node)', () => {
  it('serves the folder name by default and returns vectors of the model dimension, normalised', async () => {
    expect(shared.listModels?.()).toEqual(['tiny-encoder']);
    const { vectors } = await embed(['The claim was for water damage', 'dog']);
    expect(vectors).toHaveLength(2);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(48);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
  });

  it('gives the same text the same vector, across calls and provider instances', async () => {
    const text = 'A storm damaged the roof of my house';
    const first = (await embed([text])).vectors[0];
    const again = (await embed([text])).vectors[0];
    const elsewhere = (await embed([text], {}, provider())).vectors[0];
    expect(Array.from(again ?? [])).toEqual(Array.from(first ?? []));
    expect(Array.from(elsewhere ?? [])).toEqual(Array.from(first ?? []));
  });

  it('puts texts that share words closer together than unrelated texts', async () => {
    const { vectors } = await embed([
      'water damage claim after a burst pipe in the kitchen',
      'a burst pipe caused water damage in my kitchen',
      'a recipe for tomato basil sauce with bread',
      'my dog likes piano music and violin concerts',
    ]);
    const [claim, sameTopic, recipe, music] = vectors;
    const related = dot(claim, sameTopic);
    expect(related).toBeGreaterThan(dot(claim, recipe) + 0.2);
    expect(related).toBeGreaterThan(dot(claim, music) + 0.2);
  });

  it('gives a batch the same vectors as one-by-one calls, across several forward passes', async () => {
    const texts = [
      'fire',
      'The driver repaired the vehicle after an accident',
      'cheese',
      'flood insurance premium',
      'x',
    ];
    const batched = await embed(texts, {}, provider({ maxBatch: 2 }));
    let tokens = 0;
    for (const [i, text] of texts.entries()) {
      const single = await embed([text]);
      tokens += single.tokens;
      const a = Array.from(batched.vectors[i] ?? []);
      expect(a).toHaveLength(48);
      Array.from(single.vectors[0] ?? []).forEach((v, j) => {
        expect(a[j]).toBeCloseTo(v, 5);
      });
    }
    expect(batched.tokens).toBe(tokens);
  });

  it('counts tokens with the tokenizer, [CLS] and [SEP] included, padding excluded', async () => {
    expect((await embed(['The claim'])).tokens).toBe(4);
    // "zq" is not a vocabulary word: WordPiece splits it into z + ##q.
    expect((await embed(['The claim', 'zq'])).tokens).toBe(8);
  });

  it('truncates inputs longer than the model accepts instead of failing', async () => {
    const long = Array.from({ length: 200 }, () => 'water damage claim').join(' ');
    const { vectors, tokens } = await embed([long, 'dog']);
    expect(tokens).toBe(24 + 3);
    expect(norm(vectors[0])).toBeCloseTo(1, 5);
    // Truncated to its first tokens, the long text is the same text as a prefix of 22 words.
    const prefix = long.split(' ').slice(0, 22).join(' ');
    const prefixVector = (await embed([prefix])).vectors[0];
    expect(dot(vectors[0], prefixVector)).toBeCloseTo(1, 5);
  });

  it('honours pooling, normalize, maxTokens and the query/document prefixes', async () => {
    const text = ['policy premium payment'];
    const mean = (await embed(text)).vectors[0];
    const cls = (await embed(text, {}, provider({ pooling: 'cls' }))).vectors[0];
    expect(dot(mean, cls)).toBeLessThan(0.99);
    const raw = (await embed(text, {}, provider({ normalize: false }))).vectors[0];
    expect(norm(raw)).not.toBeCloseTo(1, 2);
    expect(dot(raw, mean) / norm(raw)).toBeCloseTo(1, 5);
    const short = await embed(['the car the car the car the car'], {}, provider({ maxTokens: 5 }));
    expect(short.tokens).toBe(5);

    const prefixed = provider({ queryPrefix: 'the claim ', documentPrefix: 'fire ' });
    const query = await embed(text, { inputType: 'search_query' }, prefixed);
    const document = await embed(text, { inputType: 'search_document' }, prefixed);
    const plain = await embed(text, { inputType: 'clustering' }, prefixed);
    expect(query.tokens).toBe(plain.tokens + 2);
    expect(document.tokens).toBe(plain.tokens + 1);
    expect(Array.from(plain.vectors[0] ?? [])).toEqual(Array.from(mean ?? []));
    expect(dot(query.vectors[0], plain.vectors[0])).toBeLessThan(0.999);
  });

  it('serves every configured model id from the one folder', async () => {
    const aliased = provider({ models: ['minilm', 'minilm-v2'] });
    expect(aliased.listModels?.()).toEqual(['minilm', 'minilm-v2']);
    const response = await aliased.embed?.({ modelId: 'minilm-v2', inputs: ['fire'] });
    expect(response?.embeddings[0]).toHaveLength(48);
    expect((await rejection(embed(['fire'], {}, aliased))).code).toBe('MODEL_NOT_FOUND');
  });

  it('loads onnx/model_quantized.onnx with quantized: true', async () => {
    const folder = tinyModelFolder('tiny-q8', { dim: 48, quantized: true });
    try {
      const quantized = provider({ modelPath: folder.path, quantized: true });
      const response = await quantized.embed?.({ modelId: 'tiny-q8', inputs: ['water damage claim'] });
      const fp32 = (await embed(['water damage claim'])).vectors[0];
      // Same seed, uint8 word table: nearly the same direction, not bit-identical.
      expect(dot(response?.embeddings[0], fp32)).toBeGreaterThan(0.999);
      expect(Array.from(response?.embeddings[0] ?? [])).not.toEqual(Array.from(fp32 ?? []));
      // The float file is not there, so without quantized: true the folder is refused at start-up.
      expect(() => createLocalOnnxProvider({ name: 'q', modelPath: folder.path })).toThrowError(
        /onnx\/model\.onnx \(for onnx\/model_quantized\.onnx set quantized: true\)/,
      );
    } finally {
      folder.remove();
    }
  });
});

describe('local-onnx errors', () => {
  it('refuses a folder missing model.onnx at start-up, naming the path and the file', () => {
    const broken = tinyModelFolder('broken', { omit: ['onnx/model.onnx'] });
    try {
      const error = (() => {
        try {
          createLocalOnnxProvider({ name: 'onnx', modelPath: broken.path });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(LakegateError);
      expect((error as LakegateError).code).toBe('CONFIG_INVALID');
      expect((error as LakegateError).message).toContain(broken.path);
      expect((error as LakegateError).message).toContain('lacks onnx/model.onnx');
      expect((error as LakegateError).details).toMatchObject({ missing: ['onnx/model.onnx'] });
    } finally {
      broken.remove();
    }
  });

  it('names every missing tokenizer or config file, and a folder that does not exist', () => {
    const broken = tinyModelFolder('broken', { omit: ['tokenizer.json', 'config.json'] });
    try {
      expect(() => createLocalOnnxProvider({ name: 'onnx', modelPath: broken.path })).toThrowError(
        /lacks config\.json, tokenizer\.json/,
      );
      expect(() =>
        createLocalOnnxProvider({ name: 'onnx', modelPath: join(broken.path, 'nope') }),
      ).toThrowError(
        expect.objectContaining({
          code: 'CONFIG_INVALID',
          message: expect.stringContaining('does not exist'),
        }),
      );
    } finally {
      broken.remove();
    }
  });

  it('rejects an empty input list as VALIDATION_FAILED', async () => {
    expect((await rejection(embed([]))).code).toBe('VALIDATION_FAILED');
  });

  it('rejects a dimension it cannot produce, and an unknown model', async () => {
    const error = await rejection(embed(['fire'], { dimensions: 16 }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('48-dimensional');
    expect((await embed(['fire'], { dimensions: 48 })).vectors[0]).toHaveLength(48);
    const unknown = await rejection(shared.embed?.({ modelId: 'other', inputs: ['x'] }) ?? Promise.resolve());
    expect(unknown.code).toBe('MODEL_NOT_FOUND');
  });

  it('refuses converse and converseStream: it is an embedding-only provider', async () => {
    const request = { modelId: 'tiny-encoder', messages: [{ role: 'user' as const, content: [] }] };
    for (const call of [shared.converse(request), shared.converseStream(request)]) {
      const error = await rejection(call);
      expect(error.code).toBe('UNSUPPORTED_OPERATION');
      expect(error.message).toContain('embeddings only');
    }
  });

  it('honours a cancelled signal before running the model', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(
      shared.embed?.({ modelId: 'tiny-encoder', inputs: ['x'] }, { signal: controller.signal }) ??
        Promise.resolve(),
    );
    expect(error.code).toBe('REQUEST_CANCELLED');
  });

  it('reports a model that cannot load on first use, and loads it once the folder is fixed', async () => {
    const folder = tinyModelFolder('late');
    try {
      const late = provider({ modelPath: folder.path });
      // The files pass the start-up check, then the model file is replaced by one that is not ONNX.
      renameSync(join(folder.path, 'onnx'), join(folder.path, 'onnx.good'));
      mkdirSync(join(folder.path, 'onnx'));
      writeTinyEmbeddingModel(join(folder.path, 'unused'));
      renameSync(join(folder.path, 'unused', 'config.json'), join(folder.path, 'onnx', 'model.onnx'));
      const error = await rejection(late.embed?.({ modelId: 'late', inputs: ['fire'] }) ?? Promise.resolve());
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain(folder.path);
      renameSync(join(folder.path, 'onnx'), join(folder.path, 'onnx.bad'));
      renameSync(join(folder.path, 'onnx.good'), join(folder.path, 'onnx'));
      const response = await late.embed?.({ modelId: 'late', inputs: ['fire'] });
      expect(response?.embeddings[0]).toHaveLength(32);
    } finally {
      folder.remove();
    }
  });

  it('shares one load between concurrent first calls', async () => {
    const fresh = provider();
    const results = await Promise.all(
      ['fire', 'flood', 'storm', 'fire'].map((text) =>
        fresh.embed?.({ modelId: 'tiny-encoder', inputs: [text] }),
      ),
    );
    expect(Array.from(results[0]?.embeddings[0] ?? [])).toEqual(Array.from(results[3]?.embeddings[0] ?? []));
  });
});

describe('local-onnx configuration', () => {
  it('is a provider type in lakegate.yaml and is built by the registry, relative to LAKEGATE_HOME', async () => {
    const config = providerConfigSchema.parse({ type: 'local-onnx', modelPath: 'tiny-encoder', maxBatch: 8 });
    const home = join(tiny.path, '..');
    const built = createProvider('embedder', config, {}, { home });
    providers.push(built);
    expect(built.name).toBe('embedder');
    expect(built.listModels?.()).toEqual(['tiny-encoder']);
    const fromEnv = createProvider('embedder', config, { LAKEGATE_HOME: home });
    providers.push(fromEnv);
    expect((await fromEnv.embed?.({ modelId: 'tiny-encoder', inputs: ['fire'] }))?.embeddings).toHaveLength(
      1,
    );
    expect(() => createProvider('embedder', config, {}, { home: join(home, 'elsewhere') })).toThrowError(
      /elsewhere\/tiny-encoder does not exist/,
    );
  });

  it('rejects unknown fields and bad values in the provider config', () => {
    for (const bad of [
      { type: 'local-onnx' },
      { type: 'local-onnx', modelPath: 'm', pooling: 'max' },
      { type: 'local-onnx', modelPath: 'm', maxBatch: 0 },
      { type: 'local-onnx', modelPath: 'm', url: 'https://huggingface.co' },
    ]) {
      expect(providerConfigSchema.safeParse(bad).success).toBe(false);
    }
  });
});
