// A canonical ConverseRequest -> the body of POST /v1/messages (and of /v1/messages/count_tokens).

import type { ConverseRequest, ToolChoice, ToolConfig, Warning } from '../../core/index.js';
import type { AnthropicMessagesBody, AnthropicTool, AnthropicToolChoice } from './anthropic-request-types.js';
import {
  convertToAnthropicMessages,
  convertToAnthropicSystem,
  markLast,
} from './convert-to-anthropic-messages.js';

export interface BuiltAnthropicRequest {
  body: AnthropicMessagesBody;
  warnings: Warning[];
}

function convertTools(config: ToolConfig, warnings: Warning[]): AnthropicTool[] {
  const tools: AnthropicTool[] = [];
  for (const tool of config.tools) {
    if (tool.type === 'cachePoint') {
      markLast(tools, tool, 'toolConfig.tools.cachePoint', warnings);
      continue;
    }
    const out: AnthropicTool = { name: tool.name, input_schema: tool.inputSchema };
    if (tool.description !== undefined) out.description = tool.description;
    tools.push(out);
  }
  return tools;
}

function convertToolChoice(choice: ToolChoice): AnthropicToolChoice {
  return choice.type === 'tool' ? { type: 'tool', name: choice.name } : { type: choice.type };
}

/** The Messages body; `max_tokens` is required by Anthropic, so it falls back to the configured default. */
export function buildAnthropicRequest(
  request: ConverseRequest,
  defaultMaxTokens: number,
): BuiltAnthropicRequest {
  const warnings: Warning[] = [];
  const body: AnthropicMessagesBody = {
    model: request.modelId,
    max_tokens: request.inferenceConfig?.maxTokens ?? defaultMaxTokens,
    messages: [],
  };
  if (request.system && request.system.length > 0) {
    const system = convertToAnthropicSystem(request.system, warnings);
    if (system.length > 0) body.system = system;
  }
  body.messages = convertToAnthropicMessages(request.messages, warnings);

  const inference = request.inferenceConfig;
  if (inference?.temperature !== undefined) body.temperature = inference.temperature;
  if (inference?.topP !== undefined) body.top_p = inference.topP;
  if (inference?.stopSequences && inference.stopSequences.length > 0)
    body.stop_sequences = inference.stopSequences;

  if (request.toolConfig) {
    const tools = convertTools(request.toolConfig, warnings);
    if (tools.length > 0) body.tools = tools;
    if (request.toolConfig.toolChoice) body.tool_choice = convertToolChoice(request.toolConfig.toolChoice);
  }

  if (request.requestMetadata && Object.keys(request.requestMetadata).length > 0) {
    warnings.push({
      setting: 'requestMetadata',
      message: 'Anthropic has no free-form request metadata; it was not sent.',
    });
  }

  // Provider-specific fields (thinking, top_k, metadata.user_id) may override the translated ones, but
  // never the model or the conversation itself.
  const merged: AnthropicMessagesBody = {
    ...body,
    ...request.additionalModelRequestFields,
    model: body.model,
    messages: body.messages,
  };
  return { body: merged, warnings };
}

// count_tokens accepts the prompt (model, system, messages, tools, tool_choice, thinking) and rejects the
// sampling settings that only matter when generating.
const GENERATION_ONLY_FIELDS = [
  'max_tokens',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'metadata',
  'service_tier',
];

export function buildAnthropicCountTokensBody(request: ConverseRequest): AnthropicMessagesBody {
  const { body } = buildAnthropicRequest(request, 1);
  for (const field of GENERATION_ONLY_FIELDS) delete body[field];
  return body;
}
