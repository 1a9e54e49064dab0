export type { BedrockCredentials } from './bedrock-auth.js';
export type { BedrockProviderOptions } from './bedrock-provider.js';
export { createBedrockProvider } from './bedrock-provider.js';
