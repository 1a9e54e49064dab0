export type { GeminiProviderOptions } from './gemini-provider.js';
export { createGeminiProvider } from './gemini-provider.js';
