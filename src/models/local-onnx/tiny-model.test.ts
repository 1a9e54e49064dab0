// The test-support model is a real ONNX file: onnxruntime-node (CPU) loads and runs it directly.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyModelFolder } from './test-support.js';

const folders: Array<{ remove(): void }> = [];
afterAll(() => {
  for (const folder of folders) folder.remove();
});

async function run(options: Parameters<typeof tinyModelFolder>[1], ids: bigint[][], mask: bigint[][]) {
  const model = tinyModelFolder('tiny', options);
  folders.push(model);
  const file = options?.quantized ? 'model_quantized.onnx' : 'model.onnx';
  const session = await ort.InferenceSession.create(readFileSync(join(model.path, 'onnx', file)));
  const shape = [ids.length, ids[0]?.length ?? 0];
  const feeds = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.flat()), shape),
    attention_mask: new ort.Tensor('int64', BigInt64Array.from(mask.flat()), shape),
  };
  const output = (await session.run(feeds)).last_hidden_state;
  await session.release();
  return { model, session, output };
}

describe('the tiny ONNX sentence encoder', () => {
  it('declares the inputs and output a BERT export has and returns [batch, sequence, dim]', async () => {
    const { output, session, model } = await run({ dim: 8 }, [[2n, 5n, 3n]], [[1n, 1n, 1n]]);
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect(session.outputNames).toEqual(['last_hidden_state']);
    expect(output?.dims).toEqual([1, 3, 8]);
    expect(model.vocabulary.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  });

  it('is deterministic for a seed and different for another', async () => {
    const a = await run({ seed: 1 }, [[2n, 7n, 3n]], [[1n, 1n, 1n]]);
    const b = await run({ seed: 1 }, [[2n, 7n, 3n]], [[1n, 1n, 1n]]);
    const c = await run({ seed: 2 }, [[2n, 7n, 3n]], [[1n, 1n, 1n]]);
    expect(Array.from(a.output?.data as Float32Array)).toEqual(Array.from(b.output?.data as Float32Array));
    expect(Array.from(a.output?.data as Float32Array)).not.toEqual(
      Array.from(c.output?.data as Float32Array),
    );
  });

  it('zeroes padded positions before the (optional) dense layer', async () => {
    const { output } = await run({ dim: 4, denseLayer: false }, [[2n, 9n, 0n]], [[1n, 1n, 0n]]);
    const data = Array.from(output?.data as Float32Array);
    // Multiplying a negative weight by a zero mask gives -0: compare by value, not by sign.
    expect(data.slice(8).every((v) => v === 0)).toBe(true);
    expect(data.slice(0, 8).some((v) => v !== 0)).toBe(true);
  });

  it('runs the uint8 quantised variant (DequantizeLinear) close to the float one', async () => {
    const ids = [[2n, 20n, 21n, 3n]];
    const mask = [[1n, 1n, 1n, 1n]];
    const float = Array.from((await run({}, ids, mask)).output?.data as Float32Array);
    const quantized = Array.from((await run({ quantized: true }, ids, mask)).output?.data as Float32Array);
    expect(quantized).toHaveLength(float.length);
    const maxError = Math.max(...float.map((v, i) => Math.abs(v - (quantized[i] ?? 0))));
    expect(maxError).toBeGreaterThan(0);
    expect(maxError).toBeLessThan(0.02);
  });
});
