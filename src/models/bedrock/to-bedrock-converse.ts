// The canonical request in Bedrock's Converse wire format: content blocks become keyed unions
// (`{text}`, `{image}`, `{toolUse}`, ...) and bytes become base64.

import type {
  CachePointBlock,
  ContentBlock,
  ConverseRequest,
  DocumentBlock,
  ImageBlock,
  InferenceConfig,
  SystemBlock,
  ToolConfig,
  ToolResultContent,
  Warning,
} from '../../core/index.js';

type Json = Record<string, unknown>;

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function cachePoint(block: CachePointBlock): Json {
  return { cachePoint: { type: 'default', ...(block.ttl ? { ttl: block.ttl } : {}) } };
}

function image(block: ImageBlock): Json {
  return { image: { format: block.format, source: { bytes: toBase64(block.bytes) } } };
}

function document(block: DocumentBlock): Json {
  const source = block.bytes !== undefined ? { bytes: toBase64(block.bytes) } : { text: block.text ?? '' };
  return { document: { name: block.name, format: block.format, source } };
}

function toolResultContent(content: ToolResultContent): Json {
  switch (content.type) {
    case 'text':
      return { text: content.text };
    case 'json':
      return { json: content.json };
    case 'image':
      return image(content);
    case 'document':
      return document(content);
  }
}

function contentBlock(block: ContentBlock): Json {
  switch (block.type) {
    case 'text':
      return { text: block.text };
    case 'image':
      return image(block);
    case 'document':
      return document(block);
    case 'toolUse':
      return { toolUse: { toolUseId: block.toolUseId, name: block.name, input: block.input } };
    case 'toolResult':
      return {
        toolResult: {
          toolUseId: block.toolUseId,
          content: block.content.map(toolResultContent),
          ...(block.status ? { status: block.status } : {}),
        },
      };
    case 'reasoning':
      return {
        reasoningContent:
          block.redacted !== undefined
            ? { redactedContent: toBase64(block.redacted) }
            : {
                reasoningText: {
                  text: block.text,
                  ...(block.signature !== undefined ? { signature: block.signature } : {}),
                },
              },
      };
    case 'cachePoint':
      return cachePoint(block);
  }
}

function systemBlock(block: SystemBlock): Json {
  return block.type === 'text' ? { text: block.text } : cachePoint(block);
}

function inferenceConfig(config: InferenceConfig): Json | undefined {
  const out: Json = {};
  if (config.maxTokens !== undefined) out['maxTokens'] = config.maxTokens;
  if (config.temperature !== undefined) out['temperature'] = config.temperature;
  if (config.topP !== undefined) out['topP'] = config.topP;
  if (config.stopSequences !== undefined) out['stopSequences'] = config.stopSequences;
  return Object.keys(out).length > 0 ? out : undefined;
}

function toolConfig(config: ToolConfig, warnings: Warning[]): Json | undefined {
  const tools = config.tools.map((tool) =>
    tool.type === 'cachePoint'
      ? cachePoint(tool)
      : {
          toolSpec: {
            name: tool.name,
            ...(tool.description !== undefined ? { description: tool.description } : {}),
            inputSchema: { json: tool.inputSchema },
          },
        },
  );
  const choice = config.toolChoice;
  let toolChoice: Json | undefined;
  if (choice?.type === 'auto') toolChoice = { auto: {} };
  else if (choice?.type === 'any') toolChoice = { any: {} };
  else if (choice?.type === 'tool') toolChoice = { tool: { name: choice.name } };
  else if (choice?.type === 'none') {
    warnings.push({
      setting: 'toolConfig.toolChoice',
      message: "Bedrock Converse has no 'none' tool choice; the model may still call a tool.",
    });
  }
  // Converse rejects an empty tool list, and a choice without tools means nothing.
  if (tools.length === 0) return undefined;
  return { tools, ...(toolChoice ? { toolChoice } : {}) };
}

/** The parts of a Converse body that CountTokens takes as well. */
export function toBedrockConversation(
  request: ConverseRequest,
  warnings: Warning[],
): { messages: Json[]; system?: Json[]; toolConfig?: Json } {
  const messages = request.messages.map((message) => ({
    role: message.role,
    content: message.content.map(contentBlock),
  }));
  const system = request.system?.length ? request.system.map(systemBlock) : undefined;
  const tools = request.toolConfig ? toolConfig(request.toolConfig, warnings) : undefined;
  return { messages, ...(system ? { system } : {}), ...(tools ? { toolConfig: tools } : {}) };
}

export function toBedrockConverseBody(request: ConverseRequest): { body: Json; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const body: Json = { ...toBedrockConversation(request, warnings) };
  const inference = request.inferenceConfig ? inferenceConfig(request.inferenceConfig) : undefined;
  if (inference) body['inferenceConfig'] = inference;
  if (request.additionalModelRequestFields)
    body['additionalModelRequestFields'] = request.additionalModelRequestFields;
  if (request.requestMetadata) body['requestMetadata'] = request.requestMetadata;
  return { body, warnings };
}
