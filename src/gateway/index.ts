export { backoffDelayMs } from './backoff.js';
export type { ModelAccessOptions } from './model-access.js';
export { ModelAccess } from './model-access.js';
export type { ModelRef } from './model-ref.js';
export { formatModelRef, parseModelRef } from './model-ref.js';
export type {
  ClientCancellation,
  ConverseInput,
  EmbedInput,
  RoutePlan,
  RouterCallOptions,
  RouterOptions,
  ServedBy,
} from './router.js';
export { ModelRouter } from './router.js';
export { pickByTraffic } from './traffic.js';
