// Loads a sentence encoder from a local folder with transformers.js (tokenizer + ONNX model on
// onnxruntime-node's CPU backend) and narrows its loosely typed objects to the one call we need.
// transformers.js is imported on first use only: its import loads onnxruntime's native library, which a
// deployment without a local-onnx provider must not carry.

import { dirname } from 'node:path';
import { LakegateError } from '../../core/index.js';
import { closingIds, keepClosingTokens } from './keep-closing-tokens.js';
import type { HiddenStates } from './pool-embeddings.js';

type Transformers = typeof import('@huggingface/transformers');

let transformersModule: Promise<Transformers> | undefined;

/** The library, configured once so that nothing is ever fetched or cached outside the model folder. */
function loadTransformers(): Promise<Transformers> {
  transformersModule ??= import('@huggingface/transformers').then((library) => {
    const { env } = library;
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    // No file cache: it would write into node_modules and could serve a stale copy of a replaced model.
    env.useFSCache = false;
    env.useBrowserCache = false;
    return library;
  });
  return transformersModule;
}

export interface OnnxEncoder {
  /** The longest input in tokens ([CLS] and [SEP] included); longer inputs are truncated to it. */
  readonly maxTokens: number;
  /** Token vectors and attention mask for a batch of texts, padded to the batch's longest. */
  encode(texts: readonly string[]): Promise<HiddenStates>;
  dispose(): Promise<void>;
}

export interface LoadOptions {
  quantized: boolean;
  /** Overrides the length limit read from the tokenizer and model config (it can only lower it). */
  maxTokens?: number;
}

interface TensorLike {
  data: unknown;
  dims: number[];
}

function isTensorLike(value: unknown): value is TensorLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    'data' in value &&
    'dims' in value &&
    Array.isArray(value.dims)
  );
}

function positiveFinite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * The tokenizer's model_max_length is the documented limit, but some exports leave it at a huge sentinel;
 * the position table (max_position_embeddings) is the hard one, past which the model cannot run.
 */
function lengthLimit(tokenizerMax: unknown, positions: unknown, override: number | undefined): number {
  const limits = [positiveFinite(tokenizerMax), positiveFinite(positions), override].filter(
    (n): n is number => n !== undefined && n < 1_000_000,
  );
  return limits.length > 0 ? Math.min(...limits) : 512;
}

function badOutput(folder: string, what: string): LakegateError {
  return new LakegateError(
    'MODEL_UPSTREAM_BAD_RESPONSE',
    `The model in ${folder} returned ${what}; a sentence encoder must output last_hidden_state [batch, sequence, dim].`,
  );
}

export async function loadOnnxEncoder(folder: string, options: LoadOptions): Promise<OnnxEncoder> {
  const { env, pipeline } = await loadTransformers();
  // Set for the library's sake; the model is addressed by its absolute path, which is never taken for a hub
  // id, so several providers with folders in different places never depend on this global.
  env.localModelPath = dirname(folder);
  let extractor: Awaited<ReturnType<typeof pipeline<'feature-extraction'>>>;
  try {
    extractor = await pipeline('feature-extraction', folder, {
      local_files_only: true,
      device: 'cpu',
      dtype: options.quantized ? 'q8' : 'fp32',
    });
  } catch (error) {
    throw new LakegateError(
      'CONFIG_INVALID',
      `Could not load the local-onnx model in ${folder}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, details: { modelPath: folder } },
    );
  }
  const { tokenizer, model } = extractor;
  const config: Record<string, unknown> = { ...model.config };
  const maxTokens = lengthLimit(
    tokenizer.model_max_length,
    config.max_position_embeddings,
    options.maxTokens,
  );
  const probe = 'lakegate probe';
  const closing = closingIds(tokenizer.encode(probe), tokenizer.encode(probe, { add_special_tokens: false }));

  return {
    maxTokens,

    async encode(texts: readonly string[]): Promise<HiddenStates> {
      const inputs = tokenizer([...texts], { padding: true, truncation: true, max_length: maxTokens });
      const ids: unknown = inputs.input_ids;
      const mask: unknown = inputs.attention_mask;
      if (!isTensorLike(mask) || !(mask.data instanceof BigInt64Array)) {
        throw badOutput(folder, 'no attention mask from its tokenizer');
      }
      if (isTensorLike(ids) && ids.data instanceof BigInt64Array) {
        keepClosingTokens(ids.data, mask.data, ids.dims[1] ?? 0, maxTokens, closing);
      }
      const outputs: unknown = await model(inputs);
      const hidden: unknown =
        typeof outputs === 'object' && outputs !== null && 'last_hidden_state' in outputs
          ? outputs.last_hidden_state
          : undefined;
      if (!isTensorLike(hidden) || !(hidden.data instanceof Float32Array) || hidden.dims.length !== 3) {
        throw badOutput(folder, 'no float last_hidden_state of rank 3');
      }
      const [batch = 0, sequence = 0, dim = 0] = hidden.dims;
      if (batch !== texts.length || mask.data.length !== batch * sequence) {
        throw badOutput(folder, `a tensor of shape [${hidden.dims.join(', ')}] for ${texts.length} inputs`);
      }
      return { data: hidden.data, batch, sequence, dim, mask: mask.data };
    },

    dispose: () => extractor.dispose(),
  };
}
