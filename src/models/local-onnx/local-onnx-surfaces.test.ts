// A local-onnx provider configured in lakegate.yaml, reached by the official clients through both surfaces
// and the ordinary router: `provider/model` ids, an embeddings endpoint, the model list. No special cases.

import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  startLakegate,
  TEST_KEY,
  TEST_KEY_ID,
  TEST_SECRET,
} from '../../../test/support/lakegate-harness.js';
import { createLocalOnnxProvider } from './index.js';
import { tinyModelFolder } from './test-support.js';

const tiny = tinyModelFolder('tiny-encoder', { dim: 40 });
let lakegate: Harness;
let openai: OpenAI;

beforeAll(async () => {
  lakegate = await startLakegate({
    providers: { 'local-onnx': { type: 'local-onnx', modelPath: tiny.path } },
    endpoints: { 'claims-embed': { task: 'embeddings', served: [{ model: 'local-onnx/tiny-encoder' }] } },
  });
  openai = new OpenAI({ baseURL: `${lakegate.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await lakegate?.close();
  tiny.remove();
});

async function direct(texts: string[]) {
  const provider = createLocalOnnxProvider({ name: 'direct', modelPath: tiny.path });
  try {
    const response = await provider.embed?.({ modelId: 'tiny-encoder', inputs: texts });
    if (!response) throw new Error('local-onnx must embed');
    return response;
  } finally {
    await provider.close?.();
  }
}

describe('local-onnx through the model API', () => {
  it('is listed by GET /v1/models as local-onnx/<folder name>', async () => {
    const ids: string[] = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    expect(ids).toContain('local-onnx/tiny-encoder');
    expect(ids).toContain('claims-embed');
  });

  it('embeds through OpenAI /v1/embeddings by provider/model id and by endpoint, as floats and base64', async () => {
    const texts = ['water damage claim after a burst pipe', 'pizza'];
    const expected = await direct(texts);
    const floats = await openai.embeddings.create({
      model: 'local-onnx/tiny-encoder',
      input: texts,
      encoding_format: 'float',
    });
    expect(floats.data).toHaveLength(2);
    floats.data.forEach((item, i) => {
      expect(item.embedding).toHaveLength(40);
      item.embedding.forEach((x, j) => {
        expect(x).toBeCloseTo(expected.embeddings[i]?.[j] ?? Number.NaN, 6);
      });
    });
    expect(floats.usage.prompt_tokens).toBe(expected.usage.inputTokens);

    const viaEndpoint = await openai.embeddings.create({ model: 'claims-embed', input: texts[0] ?? '' });
    viaEndpoint.data[0]?.embedding.forEach((x, j) => {
      expect(x).toBeCloseTo(expected.embeddings[0]?.[j] ?? Number.NaN, 6);
    });
  });

  it('embeds through Bedrock InvokeModel in the Titan and Cohere body shapes', async () => {
    const bedrock = new BedrockRuntimeClient({
      endpoint: lakegate.url,
      region: 'us-east-1',
      credentials: { accessKeyId: TEST_KEY_ID, secretAccessKey: TEST_SECRET },
      maxAttempts: 1,
    });
    const expected = await direct(['flood insurance premium']);
    const titan = await bedrock.send(
      new InvokeModelCommand({
        modelId: 'local-onnx/tiny-encoder',
        contentType: 'application/json',
        body: JSON.stringify({ inputText: 'flood insurance premium' }),
      }),
    );
    const titanBody = JSON.parse(new TextDecoder().decode(titan.body)) as {
      embedding: number[];
      inputTextTokenCount: number;
    };
    expect(titanBody.embedding).toHaveLength(40);
    expect(Math.hypot(...titanBody.embedding)).toBeCloseTo(1, 5);
    titanBody.embedding.forEach((x, j) => {
      expect(x).toBeCloseTo(expected.embeddings[0]?.[j] ?? Number.NaN, 6);
    });
    expect(titanBody.inputTextTokenCount).toBe(expected.usage.inputTokens);

    const cohere = await bedrock.send(
      new InvokeModelCommand({
        modelId: 'claims-embed',
        contentType: 'application/json',
        body: JSON.stringify({ texts: ['fire', 'storm'], input_type: 'search_query' }),
      }),
    );
    const cohereBody = JSON.parse(new TextDecoder().decode(cohere.body)) as { embeddings: number[][] };
    expect(cohereBody.embeddings.map((e) => e.length)).toEqual([40, 40]);
    bedrock.destroy();
  });

  it('answers a chat call with a clear error in each surface shape: the model only embeds', async () => {
    const error = await openai.chat.completions
      .create({ model: 'local-onnx/tiny-encoder', messages: [{ role: 'user', content: 'hello' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('embeddings only');
  });

  it('rejects an unknown model of the provider and a dimension the model cannot produce', async () => {
    const unknown = await openai.embeddings.create({ model: 'local-onnx/other', input: 'x' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    const dimension = await openai.embeddings
      .create({ model: 'local-onnx/tiny-encoder', input: 'x', dimensions: 8 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(dimension).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe('local-onnx at start-up', () => {
  it('refuses to start when the model folder lacks model.onnx, naming the file', async () => {
    const broken = tinyModelFolder('broken', { omit: ['onnx/model.onnx'] });
    try {
      const error = await startLakegate({
        providers: { embedder: { type: 'local-onnx', modelPath: broken.path } },
      }).then(
        async (harness) => {
          await harness.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect(String((error as Error).message)).toContain(`${broken.path} lacks onnx/model.onnx`);
    } finally {
      broken.remove();
    }
  });
});
