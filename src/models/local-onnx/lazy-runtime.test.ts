// onnxruntime's native library (~tens of MB) must be mapped into the process only once a local-onnx model
// embeds: building providers, even a local-onnx one, loads nothing. Checked in a child process running the
// compiled dist/ (built by the test global setup), by reading the process's own memory map.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyModelFolder } from './test-support.js';

const tiny = tinyModelFolder('tiny');
afterAll(() => tiny.remove());

const SCRIPT = `
import { readFileSync } from 'node:fs';
const { createProviders } = await import(process.env.MODELS_INDEX);
const runtimeMapped = () => readFileSync('/proc/self/maps', 'utf8').includes('onnxruntime');
const providers = createProviders({ onnx: { type: 'local-onnx', modelPath: process.env.MODEL_PATH } }, {});
const afterBuild = runtimeMapped();
const response = await providers.get('onnx').embed({ modelId: 'tiny', inputs: ['fire'] });
const afterEmbed = runtimeMapped();
for (const provider of providers.values()) await provider.close?.();
console.log(JSON.stringify({ afterBuild, afterEmbed, dim: response.embeddings[0].length }));
`;

describe.runIf(process.platform === 'linux')('loading onnxruntime lazily', () => {
  it('maps onnxruntime only on the first local-onnx embedding', () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      encoding: 'utf8',
      env: {
        ...process.env,
        MODELS_INDEX: pathToFileURL(join(root, 'dist', 'models', 'index.js')).href,
        MODEL_PATH: tiny.path,
      },
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ afterBuild: false, afterEmbed: true, dim: 32 });
  });
});
