export type { AnthropicProviderOptions } from './anthropic-provider.js';
export { createAnthropicProvider } from './anthropic-provider.js';
