// Bedrock Converse wire format (keyed unions, base64 bytes) to the canonical model. Each content block
// must carry exactly one known member; anything else is a ValidationException naming where it is.

import { z } from 'zod';
import {
  type ContentBlock,
  DOCUMENT_FORMATS,
  IMAGE_FORMATS,
  type Message,
  type SystemBlock,
  type ToolChoice,
  type ToolConfig,
  type ToolResultContent,
  validationError,
} from '../../core/index.js';
import type { ConverseInput } from '../../gateway/index.js';
import { decodeBase64, parseOrThrow } from '../http/validate.js';
import { isCommonConverseBody } from './fast-converse-request.js';

const record = z.record(z.string(), z.unknown());
const text = z.string();

/** A text member: a string as it is (the common case, no schema run), anything else as zod words it. */
const textOf = (value: unknown, path: string): string =>
  typeof value === 'string' ? value : parseOrThrow(text, value, path);

const converseWire = z.object({
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.array(record) })).min(1),
  system: z.array(record).optional(),
  inferenceConfig: z
    .strictObject({
      maxTokens: z.number().int().min(1).optional(),
      temperature: z.number().min(0).max(2).optional(),
      topP: z.number().min(0).max(1).optional(),
      stopSequences: z.array(z.string()).max(16).optional(),
    })
    .optional(),
  toolConfig: z.object({ tools: z.array(record).min(1), toolChoice: record.optional() }).optional(),
  additionalModelRequestFields: record.optional(),
  additionalModelResponseFieldPaths: z.array(z.string()).optional(),
  requestMetadata: z.record(z.string(), z.string()).optional(),
  guardrailConfig: record.optional(),
  promptVariables: record.optional(),
  performanceConfig: record.optional(),
});

const bytesSource = z.strictObject({ bytes: z.string() });
const imageWire = z.strictObject({ format: z.enum(IMAGE_FORMATS), source: bytesSource });
const documentWire = z.strictObject({
  name: z.string().min(1),
  format: z.enum(DOCUMENT_FORMATS),
  source: z.union([bytesSource, z.strictObject({ text: z.string() })]),
});
const toolUseWire = z.strictObject({
  toolUseId: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown(),
});
const toolResultWire = z.strictObject({
  toolUseId: z.string().min(1),
  content: z.array(record),
  status: z.enum(['success', 'error']).optional(),
});
const reasoningWire = z.union([
  z.strictObject({ reasoningText: z.strictObject({ text: z.string(), signature: z.string().optional() }) }),
  z.strictObject({ redactedContent: z.string() }),
]);
const cachePointWire = z.strictObject({ type: z.literal('default'), ttl: z.enum(['5m', '1h']).optional() });
const toolSpecWire = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1-64 letters, digits, "_" or "-"'),
  description: z.string().optional(),
  inputSchema: z.strictObject({ json: record }),
});

function onlyMember(block: Record<string, unknown>, path: string): [string, unknown] {
  const keys = Object.keys(block);
  if (keys.length !== 1) {
    throw validationError(`${path}: a content block must have exactly one member, found ${keys.length}.`);
  }
  const key = keys[0]!;
  return [key, block[key]];
}

function imageOf(value: unknown, path: string): ContentBlock & { type: 'image' } {
  const image = parseOrThrow(imageWire, value, path);
  return {
    type: 'image',
    format: image.format,
    bytes: decodeBase64(image.source.bytes, `${path}.source.bytes`),
  };
}

function documentOf(value: unknown, path: string): ContentBlock & { type: 'document' } {
  const doc = parseOrThrow(documentWire, value, path);
  if ('text' in doc.source)
    return { type: 'document', name: doc.name, format: doc.format, text: doc.source.text };
  return {
    type: 'document',
    name: doc.name,
    format: doc.format,
    bytes: decodeBase64(doc.source.bytes, `${path}.source.bytes`),
  };
}

function toolResultContentOf(block: Record<string, unknown>, path: string): ToolResultContent {
  const [kind, value] = onlyMember(block, path);
  switch (kind) {
    case 'text':
      return { type: 'text', text: textOf(value, `${path}.text`) };
    case 'json':
      return { type: 'json', json: value };
    case 'image':
      return imageOf(value, `${path}.image`);
    case 'document':
      return documentOf(value, `${path}.document`);
    default:
      throw validationError(
        `${path}: "${kind}" is not a tool result content type (text, json, image, document).`,
      );
  }
}

function contentBlockOf(block: Record<string, unknown>, path: string): ContentBlock {
  const [kind, value] = onlyMember(block, path);
  switch (kind) {
    case 'text':
      return { type: 'text', text: textOf(value, `${path}.text`) };
    case 'image':
      return imageOf(value, `${path}.image`);
    case 'document':
      return documentOf(value, `${path}.document`);
    case 'toolUse': {
      const use = parseOrThrow(toolUseWire, value, `${path}.toolUse`);
      return { type: 'toolUse', toolUseId: use.toolUseId, name: use.name, input: use.input ?? {} };
    }
    case 'toolResult': {
      const result = parseOrThrow(toolResultWire, value, `${path}.toolResult`);
      const out: ContentBlock = {
        type: 'toolResult',
        toolUseId: result.toolUseId,
        content: result.content.map((c, i) => toolResultContentOf(c, `${path}.toolResult.content.${i}`)),
      };
      if (result.status) out.status = result.status;
      return out;
    }
    case 'reasoningContent': {
      const reasoning = parseOrThrow(reasoningWire, value, `${path}.reasoningContent`);
      if ('redactedContent' in reasoning) {
        return {
          type: 'reasoning',
          text: '',
          redacted: decodeBase64(reasoning.redactedContent, `${path}.reasoningContent.redactedContent`),
        };
      }
      const out: ContentBlock = { type: 'reasoning', text: reasoning.reasoningText.text };
      if (reasoning.reasoningText.signature) out.signature = reasoning.reasoningText.signature;
      return out;
    }
    case 'cachePoint': {
      const point = parseOrThrow(cachePointWire, value, `${path}.cachePoint`);
      return point.ttl ? { type: 'cachePoint', ttl: point.ttl } : { type: 'cachePoint' };
    }
    default:
      throw validationError(
        `${path}: "${kind}" is not a supported content block (text, image, document, toolUse, toolResult, reasoningContent, cachePoint).`,
      );
  }
}

function systemBlockOf(block: Record<string, unknown>, path: string): SystemBlock {
  const [kind, value] = onlyMember(block, path);
  if (kind === 'text') return { type: 'text', text: textOf(value, `${path}.text`) };
  if (kind === 'cachePoint') {
    const point = parseOrThrow(cachePointWire, value, `${path}.cachePoint`);
    return point.ttl ? { type: 'cachePoint', ttl: point.ttl } : { type: 'cachePoint' };
  }
  throw validationError(`${path}: "${kind}" is not a supported system block (text, cachePoint).`);
}

function toolChoiceOf(value: Record<string, unknown>, path: string): ToolChoice {
  const [kind, inner] = onlyMember(value, path);
  if (kind === 'auto') return { type: 'auto' };
  if (kind === 'any') return { type: 'any' };
  if (kind === 'tool') {
    return {
      type: 'tool',
      name: parseOrThrow(z.strictObject({ name: z.string().min(1) }), inner, `${path}.tool`).name,
    };
  }
  throw validationError(`${path}: toolChoice is one of auto, any, tool.`);
}

function toolConfigOf(wire: NonNullable<z.infer<typeof converseWire>['toolConfig']>): ToolConfig {
  const tools: ToolConfig['tools'] = wire.tools.map((tool, i) => {
    const path = `toolConfig.tools.${i}`;
    const [kind, value] = onlyMember(tool, path);
    if (kind === 'cachePoint') {
      parseOrThrow(cachePointWire, value, `${path}.cachePoint`);
      return { type: 'cachePoint' };
    }
    if (kind !== 'toolSpec') throw validationError(`${path}: a tool is a toolSpec or a cachePoint.`);
    const spec = parseOrThrow(toolSpecWire, value, `${path}.toolSpec`);
    const out: ToolConfig['tools'][number] = {
      type: 'tool',
      name: spec.name,
      inputSchema: spec.inputSchema.json,
    };
    if (spec.description !== undefined) out.description = spec.description;
    return out;
  });
  const config: ToolConfig = { tools };
  if (wire.toolChoice) config.toolChoice = toolChoiceOf(wire.toolChoice, 'toolConfig.toolChoice');
  return config;
}

/** The canonical request for a Converse body (what Converse and ConverseStream both take). */
export function fromBedrockConverse(body: unknown): ConverseInput {
  const wire: z.infer<typeof converseWire> = isCommonConverseBody(body)
    ? body
    : parseOrThrow(converseWire, body);
  // guardrailConfig is read by the routes (converse-guardrail.ts), which apply it around the model call.
  const messages: Message[] = wire.messages.map((message, m) => ({
    role: message.role,
    content: message.content.map((block, b) => contentBlockOf(block, `messages.${m}.content.${b}`)),
  }));
  const input: ConverseInput = { messages };
  if (wire.system) input.system = wire.system.map((block, i) => systemBlockOf(block, `system.${i}`));
  if (wire.inferenceConfig) input.inferenceConfig = wire.inferenceConfig;
  if (wire.toolConfig) input.toolConfig = toolConfigOf(wire.toolConfig);
  if (wire.additionalModelRequestFields)
    input.additionalModelRequestFields = wire.additionalModelRequestFields;
  if (wire.requestMetadata) input.requestMetadata = wire.requestMetadata;
  return input;
}
