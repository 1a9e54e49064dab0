export type {
  CallOptions,
  ModelProvider,
  NativeInvokeRequest,
  NativeInvokeResponse,
} from './spec.js';
export { PROVIDER_SPEC_VERSION } from './spec.js';
