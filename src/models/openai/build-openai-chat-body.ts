// The whole chat completions request body for one canonical request.

import type { ConverseRequest, ToolChoice, ToolDefinition, Warning } from '../../core/index.js';
import { convertToOpenAIMessages } from './convert-to-openai-messages.js';

export type MaxTokensField = 'max_completion_tokens' | 'max_tokens';

export interface ChatBodySettings {
  maxTokensField: MaxTokensField;
  includeStreamUsage: boolean;
  pdfFileParts: boolean;
}

export function buildOpenAIChatBody(
  request: ConverseRequest,
  settings: ChatBodySettings,
  stream: boolean,
): { body: Record<string, unknown>; warnings: Warning[] } {
  const { messages, warnings } = convertToOpenAIMessages(request.system, request.messages, settings);
  const body: Record<string, unknown> = { model: request.modelId, messages };

  const config = request.inferenceConfig;
  if (config?.maxTokens !== undefined) body[settings.maxTokensField] = config.maxTokens;
  if (config?.temperature !== undefined) body['temperature'] = config.temperature;
  if (config?.topP !== undefined) body['top_p'] = config.topP;
  if (config?.stopSequences && config.stopSequences.length > 0) body['stop'] = config.stopSequences;

  // A cachePoint among the tools has no meaning here: prefixes are cached automatically.
  const tools = (request.toolConfig?.tools ?? []).filter(
    (tool): tool is ToolDefinition => tool.type === 'tool',
  );
  const toolChoice = request.toolConfig?.toolChoice;
  if (tools.length > 0) {
    body['tools'] = tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.inputSchema,
      },
    }));
    if (toolChoice) body['tool_choice'] = toolChoiceOf(toolChoice);
  } else if (toolChoice && toolChoice.type !== 'none') {
    // The API refuses tool_choice without tools, and "none" is what no tools means anyway.
    warnings.push({
      setting: 'toolConfig.toolChoice',
      message: 'A tool choice was given without any tool definitions; it was not sent.',
    });
  }

  Object.assign(body, request.additionalModelRequestFields);

  // Streaming is the call's decision, not a field a caller may override: the response parser depends on it.
  if ('stream' in body || 'stream_options' in body) {
    if (body['stream'] !== stream)
      warnings.push({
        setting: 'additionalModelRequestFields.stream',
        message:
          'stream is set by the kind of call (converse or converseStream); the given value was ignored.',
      });
    delete body['stream'];
    if (!stream) delete body['stream_options'];
  }
  if (stream) {
    body['stream'] = true;
    if (settings.includeStreamUsage && body['stream_options'] === undefined)
      body['stream_options'] = { include_usage: true };
  }
  return { body, warnings };
}

function toolChoiceOf(choice: ToolChoice): unknown {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}
