// Start-up check of a local-onnx model folder: everything transformers.js will read must be there before
// the server accepts traffic, so that a typo in lakegate.yaml fails `lakegate up` naming the path and the
// missing file, instead of failing the first embedding request minutes later.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LakegateError } from '../../core/index.js';

/** The files transformers.js loads for a feature-extraction pipeline, relative to the model folder. */
export function requiredModelFiles(quantized: boolean): string[] {
  return [
    'config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx',
  ];
}

/** Throws CONFIG_INVALID when `folder` is not a directory or lacks a file the model needs. */
export function checkModelFolder(providerName: string, folder: string, quantized: boolean): void {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new LakegateError(
      'CONFIG_INVALID',
      `Provider "${providerName}" (local-onnx): the model folder ${folder} does not exist or is not a directory.`,
      { details: { provider: providerName, modelPath: folder } },
    );
  }
  const missing = requiredModelFiles(quantized).filter((file) => !existsSync(join(folder, file)));
  if (missing.length > 0) {
    const hint = quantized ? '' : ' (for onnx/model_quantized.onnx set quantized: true)';
    throw new LakegateError(
      'CONFIG_INVALID',
      `Provider "${providerName}" (local-onnx): the model folder ${folder} lacks ${missing.join(', ')}${hint}.`,
      { details: { provider: providerName, modelPath: folder, missing } },
    );
  }
}
