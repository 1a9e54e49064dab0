export type { MaxTokensField } from './build-openai-chat-body.js';
export type { OpenAIProviderOptions } from './openai-provider.js';
export { createOpenAIProvider, OPENAI_DEFAULT_BASE_URL } from './openai-provider.js';
