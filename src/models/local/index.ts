export type { LocalModelId, LocalProviderOptions } from './local-provider.js';
export { createLocalProvider, LOCAL_MODEL_IDS } from './local-provider.js';
export { CANNOT_ANSWER } from './render-answer.js';
export { estimateTokens, truncateToTokens } from './token-estimate.js';
