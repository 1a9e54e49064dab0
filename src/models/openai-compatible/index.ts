export type { OpenAICompatibleProviderOptions } from './openai-compatible-provider.js';
export { createOpenAICompatibleProvider } from './openai-compatible-provider.js';
export type { OpenAICompatiblePreset, OpenAICompatiblePresetName } from './presets.js';
export { OPENAI_COMPATIBLE_PRESETS } from './presets.js';
