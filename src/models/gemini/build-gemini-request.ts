import { type ConverseRequest, isRecord, type SystemBlock } from '../../core/index.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import { convertToGeminiTools } from './convert-to-gemini-tools.js';
import type {
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiPart,
} from './gemini-wire-types.js';
import type { WarningList } from './warning-list.js';

/** The body of generateContent / streamGenerateContent for a canonical request. */
export function buildGeminiRequest(request: ConverseRequest, warnings: WarningList): Record<string, unknown> {
  const body: GeminiGenerateContentRequest = {
    contents: convertToGeminiContents(request.messages, warnings),
  };
  const systemInstruction = convertSystem(request.system, warnings);
  if (systemInstruction) body.systemInstruction = systemInstruction;

  const config = request.inferenceConfig;
  const generationConfig: GeminiGenerationConfig = {};
  if (config?.maxTokens !== undefined) generationConfig.maxOutputTokens = config.maxTokens;
  if (config?.temperature !== undefined) generationConfig.temperature = config.temperature;
  if (config?.topP !== undefined) generationConfig.topP = config.topP;
  if (config?.stopSequences !== undefined && config.stopSequences.length > 0) {
    generationConfig.stopSequences = config.stopSequences;
  }
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;

  Object.assign(body, convertToGeminiTools(request.toolConfig, warnings));

  if (request.requestMetadata && Object.keys(request.requestMetadata).length > 0) {
    warnings.add('requestMetadata', 'The Gemini API has no request metadata; it was not sent.');
  }
  return mergeAdditionalFields({ ...body }, request.additionalModelRequestFields);
}

export function convertSystem(
  system: readonly SystemBlock[] | undefined,
  warnings: WarningList,
): { parts: GeminiPart[] } | undefined {
  if (!system) return undefined;
  const parts: GeminiPart[] = [];
  for (const block of system) {
    if (block.type === 'text') parts.push({ text: block.text });
    else {
      warnings.add(
        'system.cachePoint',
        'Gemini caches only through explicit cachedContents resources; the cache point was ignored.',
      );
    }
  }
  return parts.length > 0 ? { parts } : undefined;
}

// Provider-specific fields win, but one level deep, so that e.g. `generationConfig.thinkingConfig`
// adds to the generation config we built instead of replacing it.
function mergeAdditionalFields(
  body: Record<string, unknown>,
  extra: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!extra) return body;
  for (const [key, value] of Object.entries(extra)) {
    const ours = body[key];
    body[key] = isRecord(ours) && isRecord(value) ? { ...ours, ...value } : value;
  }
  return body;
}
