export { estimateTokens } from './local/index.js';
export type { Env, ProviderBuildOptions } from './registry.js';
export { createProvider, createProviders } from './registry.js';
export type {
  CallOptions,
  Cancellation,
  ModelProvider,
  NativeInvokeRequest,
  NativeInvokeResponse,
} from './spec.js';
export { PROVIDER_SPEC_VERSION } from './spec.js';
