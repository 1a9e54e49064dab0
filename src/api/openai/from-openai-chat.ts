// OpenAI chat-completions requests to the canonical model. Tool results (role "tool") become toolResult
// blocks in a user turn, as Converse expects; settings with no canonical meaning become warnings.

import { z } from 'zod';
import {
  type ContentBlock,
  type ImageFormat,
  type Message,
  type SystemBlock,
  safeParseJson,
  type ToolChoice,
  type ToolConfig,
  validationError,
  type Warning,
} from '../../core/index.js';
import type { ConverseInput } from '../../gateway/index.js';
import { decodeBase64, parseOrThrow } from '../http/validate.js';
import { isCommonChatRequest } from './fast-chat-request.js';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string(), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const filePart = z.object({
  type: z.literal('file'),
  file: z.object({
    file_data: z.string().optional(),
    filename: z.string().optional(),
    file_id: z.string().optional(),
  }),
});
const userPart = z.discriminatedUnion('type', [textPart, imagePart, filePart]);
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer']), content: z.union([z.string(), z.array(textPart)]) }),
  z.object({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(userPart)]),
    name: z.string().optional(),
  }),
  z.object({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.union([textPart, refusalPart]))]).nullish(),
    tool_calls: z.array(toolCall).optional(),
    reasoning_content: z.string().nullish(),
    name: z.string().optional(),
  }),
  z.object({
    role: z.literal('tool'),
    content: z.union([z.string(), z.array(textPart)]),
    tool_call_id: z.string(),
  }),
]);

const tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1-64 letters, digits, "_" or "-"'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(16)]).nullish(),
  n: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(tool).optional(),
  tool_choice: z
    .union([
      z.enum(['none', 'auto', 'required']),
      z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
    ])
    .optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;

const KNOWN_FIELDS = new Set(Object.keys(chatRequestSchema.shape));
/** Fields clients often send that do not change what a model answers, so they warrant no warning. */
const HARMLESS_FIELDS = new Set(['user', 'store', 'metadata', 'service_tier', 'parallel_tool_calls']);

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+);base64,(.*)$/s;
const IMAGE_TYPES: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

function imageBlock(url: string, path: string): ContentBlock {
  const match = DATA_URL.exec(url);
  if (!match) {
    // Fetching arbitrary URLs on the caller's behalf would let them probe our network.
    throw validationError(
      `${path}: images must be sent inline as data: URLs (base64), not fetched from a URL.`,
    );
  }
  const format = IMAGE_TYPES[match[1]!.toLowerCase()];
  if (!format)
    throw validationError(`${path}: image type ${match[1]} is not supported (png, jpeg, gif, webp).`);
  return { type: 'image', format, bytes: decodeBase64(match[2]!, path) };
}

function fileBlock(file: z.infer<typeof filePart>['file'], path: string): ContentBlock {
  const match = file.file_data ? DATA_URL.exec(file.file_data) : null;
  if (!match) throw validationError(`${path}: files must be sent inline as file_data data: URLs.`);
  const mediaType = match[1]!.toLowerCase();
  const bytes = decodeBase64(match[2]!, path);
  const name = (file.filename ?? 'document').replace(/[^A-Za-z0-9 ()[\]-]/g, ' ').trim() || 'document';
  if (mediaType === 'application/pdf') return { type: 'document', name, format: 'pdf', bytes };
  if (mediaType.startsWith('text/')) {
    const format =
      mediaType === 'text/csv'
        ? 'csv'
        : mediaType === 'text/html'
          ? 'html'
          : mediaType === 'text/markdown'
            ? 'md'
            : 'txt';
    return { type: 'document', name, format, text: Buffer.from(bytes).toString('utf8') };
  }
  throw validationError(`${path}: file type ${mediaType} is not supported (PDF or text).`);
}

function textOfParts(content: string | Array<{ text: string }>): string {
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

function toolInput(args: string, path: string): unknown {
  if (args.trim() === '') return {};
  const parsed = safeParseJson(args);
  if (!parsed.ok) throw validationError(`${path}: tool call arguments are not valid JSON.`);
  return parsed.value;
}

function toolChoiceOf(choice: NonNullable<ChatRequest['tool_choice']>): ToolChoice {
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.function.name };
}

/** Appends to the last message when it has the same role: tool results and user text share one turn. */
function push(messages: Message[], role: Message['role'], blocks: ContentBlock[]): void {
  const last = messages.at(-1);
  if (last && last.role === role) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

export function fromOpenAIChat(body: unknown): {
  request: ChatRequest;
  input: ConverseInput;
  warnings: Warning[];
} {
  const request = isCommonChatRequest(body) ? body : parseOrThrow(chatRequestSchema, body);
  if (request.n !== undefined && request.n !== null && request.n !== 1) {
    throw validationError('n: only one choice per request is supported (n = 1).', { param: 'n' });
  }
  const warnings: Warning[] = [];
  for (const key of Object.keys(request)) {
    if (!KNOWN_FIELDS.has(key) && !HARMLESS_FIELDS.has(key)) {
      warnings.push({ setting: key, message: `${key} is not supported and was ignored.` });
    }
  }

  const system: SystemBlock[] = [];
  const messages: Message[] = [];
  request.messages.forEach((m, i) => {
    const path = `messages.${i}`;
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push({ type: 'text', text: textOfParts(m.content) });
        return;
      case 'user': {
        const blocks: ContentBlock[] =
          typeof m.content === 'string'
            ? [{ type: 'text', text: m.content }]
            : m.content.map((part, p) => {
                if (part.type === 'text') return { type: 'text', text: part.text };
                if (part.type === 'image_url') return imageBlock(part.image_url.url, `${path}.content.${p}`);
                return fileBlock(part.file, `${path}.content.${p}`);
              });
        push(messages, 'user', blocks);
        return;
      }
      case 'assistant': {
        const blocks: ContentBlock[] = [];
        if (m.reasoning_content) blocks.push({ type: 'reasoning', text: m.reasoning_content });
        const text =
          typeof m.content === 'string'
            ? m.content
            : (m.content ?? []).map((p) => (p.type === 'text' ? p.text : p.refusal)).join('');
        if (text) blocks.push({ type: 'text', text });
        for (const [c, call] of (m.tool_calls ?? []).entries()) {
          blocks.push({
            type: 'toolUse',
            toolUseId: call.id,
            name: call.function.name,
            input: toolInput(call.function.arguments, `${path}.tool_calls.${c}.function.arguments`),
          });
        }
        if (blocks.length === 0) blocks.push({ type: 'text', text: '' });
        push(messages, 'assistant', blocks);
        return;
      }
      case 'tool':
        push(messages, 'user', [
          {
            type: 'toolResult',
            toolUseId: m.tool_call_id,
            content: [{ type: 'text', text: textOfParts(m.content) }],
          },
        ]);
        return;
    }
  });
  if (messages.length === 0)
    throw validationError('messages: at least one user or assistant message is needed.');

  const input: ConverseInput = { messages };
  if (system.length > 0) input.system = system;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  const inference: NonNullable<ConverseInput['inferenceConfig']> = {};
  if (maxTokens != null) inference.maxTokens = maxTokens;
  if (request.temperature != null) inference.temperature = request.temperature;
  if (request.top_p != null) inference.topP = request.top_p;
  if (request.stop != null)
    inference.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (Object.keys(inference).length > 0) input.inferenceConfig = inference;
  if (request.tools && request.tools.length > 0) {
    const toolConfig: ToolConfig = {
      tools: request.tools.map((t) => ({
        type: 'tool' as const,
        name: t.function.name,
        inputSchema: t.function.parameters ?? { type: 'object', properties: {} },
        ...(t.function.description !== undefined ? { description: t.function.description } : {}),
      })),
    };
    if (request.tool_choice) toolConfig.toolChoice = toolChoiceOf(request.tool_choice);
    input.toolConfig = toolConfig;
  }
  return { request, input, warnings };
}
