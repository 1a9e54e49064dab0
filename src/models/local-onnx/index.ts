export type { LocalOnnxProviderOptions } from './local-onnx-provider.js';
export { createLocalOnnxProvider, DEFAULT_MAX_BATCH } from './local-onnx-provider.js';
export type { Pooling } from './pool-embeddings.js';
