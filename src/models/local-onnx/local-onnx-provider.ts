// `local-onnx`: sentence embeddings from a model folder on this machine (config.json, tokenizer.json,
// tokenizer_config.json, onnx/model.onnx), run by onnxruntime-node on the CPU. Nothing is downloaded:
// remote loading is off, and the folder is checked when the provider is built. Embedding-only.

import { basename, isAbsolute, resolve } from 'node:path';
import type {
  ConverseRequest,
  ConverseResponse,
  EmbedRequest,
  EmbedResponse,
  StreamEvent,
} from '../../core/index.js';
import { LakegateError } from '../../core/index.js';
import type { CallOptions, ModelProvider } from '../spec.js';
import { PROVIDER_SPEC_VERSION } from '../spec.js';
import { checkModelFolder } from './check-model-folder.js';
import { loadOnnxEncoder, type OnnxEncoder } from './load-onnx-encoder.js';
import { countTokens, type Pooling, poolEmbeddings } from './pool-embeddings.js';

export const DEFAULT_MAX_BATCH = 32;

export interface LocalOnnxProviderOptions {
  /** The provider name, the prefix in `name/model` ids. */
  name: string;
  /** The model folder; a relative path is resolved against `baseDir`. */
  modelPath: string;
  /** Where a relative `modelPath` starts (LAKEGATE_HOME). Default: the working directory. */
  baseDir?: string;
  /** Load onnx/model_quantized.onnx instead of onnx/model.onnx. */
  quantized?: boolean;
  /** Default `mean` (sentence-transformers models); `cls` for models trained on the [CLS] vector (BGE). */
  pooling?: Pooling;
  /** L2-normalise vectors, so that dot product is cosine similarity. Default true. */
  normalize?: boolean;
  /** Texts per forward pass; larger requests run in several passes. Default 32. */
  maxBatch?: number;
  /** Lowers the truncation length below what the model files say (e.g. 256 for all-MiniLM-L6-v2). */
  maxTokens?: number;
  /** Prepended to query / document texts, for models trained with prefixes (E5: "query: ", "passage: "). */
  queryPrefix?: string;
  documentPrefix?: string;
  /** The model ids served (all by the one folder). Default: the folder's name. */
  models?: readonly string[];
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LakegateError('REQUEST_CANCELLED', 'The request was cancelled.');
}

export function createLocalOnnxProvider(options: LocalOnnxProviderOptions): ModelProvider {
  const { name } = options;
  const folder = isAbsolute(options.modelPath)
    ? options.modelPath
    : resolve(options.baseDir ?? process.cwd(), options.modelPath);
  const quantized = options.quantized ?? false;
  const pooling = options.pooling ?? 'mean';
  const normalize = options.normalize ?? true;
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const models = options.models && options.models.length > 0 ? [...options.models] : [basename(folder)];
  if (!Number.isInteger(maxBatch) || maxBatch < 1) {
    throw new LakegateError(
      'CONFIG_INVALID',
      `Provider "${name}" (local-onnx): maxBatch must be a positive integer.`,
    );
  }
  checkModelFolder(name, folder, quantized);

  // One encoder per provider, loaded on the first embedding call; concurrent first calls share the load.
  // A failed load is forgotten, so that a fixed folder works on the next call without a restart.
  let encoder: Promise<OnnxEncoder> | undefined;
  function loaded(): Promise<OnnxEncoder> {
    if (encoder === undefined) {
      const loadOptions =
        options.maxTokens === undefined ? { quantized } : { quantized, maxTokens: options.maxTokens };
      const loading = loadOnnxEncoder(folder, loadOptions);
      encoder = loading;
      loading.catch(() => {
        if (encoder === loading) encoder = undefined;
      });
    }
    return encoder;
  }

  function resolveModel(modelId: string): void {
    if (!models.includes(modelId)) {
      throw new LakegateError('MODEL_NOT_FOUND', `Model ${name}/${modelId} does not exist.`, {
        details: { provider: name, modelId, available: models },
      });
    }
  }

  function embeddingOnly(modelId: string): never {
    resolveModel(modelId);
    throw new LakegateError(
      'UNSUPPORTED_OPERATION',
      `Model ${name}/${modelId} is an embedding model (local-onnx serves embeddings only); it cannot converse.`,
      { details: { provider: name, modelId, operation: 'converse' } },
    );
  }

  function prefixed(request: EmbedRequest): string[] {
    const prefix =
      request.inputType === 'search_query'
        ? options.queryPrefix
        : request.inputType === 'search_document'
          ? options.documentPrefix
          : undefined;
    return prefix ? request.inputs.map((text) => prefix + text) : request.inputs;
  }

  return {
    specVersion: PROVIDER_SPEC_VERSION,
    name,

    async converse(request: ConverseRequest): Promise<ConverseResponse> {
      return embeddingOnly(request.modelId);
    },

    async converseStream(request: ConverseRequest): Promise<AsyncIterable<StreamEvent>> {
      return embeddingOnly(request.modelId);
    },

    async embed(request: EmbedRequest, callOptions?: CallOptions): Promise<EmbedResponse> {
      resolveModel(request.modelId);
      if (request.inputs.length === 0) {
        throw new LakegateError('VALIDATION_FAILED', 'An embedding request needs at least one input text.');
      }
      throwIfAborted(callOptions?.signal);
      const model = await loaded();
      const texts = prefixed(request);
      const embeddings: Float32Array[] = [];
      let inputTokens = 0;
      for (let start = 0; start < texts.length; start += maxBatch) {
        throwIfAborted(callOptions?.signal);
        const states = await model.encode(texts.slice(start, start + maxBatch));
        if (request.dimensions !== undefined && request.dimensions !== states.dim) {
          throw new LakegateError(
            'VALIDATION_FAILED',
            `Model ${name}/${request.modelId} produces ${states.dim}-dimensional vectors and cannot shorten them; omit dimensions or ask for ${states.dim}.`,
            { details: { dimensions: request.dimensions, modelDimensions: states.dim } },
          );
        }
        embeddings.push(...poolEmbeddings(states, pooling, normalize));
        inputTokens += countTokens(states.mask);
      }
      return { embeddings, usage: { inputTokens } };
    },

    listModels(): readonly string[] {
      return models;
    },

    async close(): Promise<void> {
      const current = encoder;
      encoder = undefined;
      // A load that failed has nothing to release.
      if (current) await current.then((model) => model.dispose()).catch(() => undefined);
    },
  };
}
