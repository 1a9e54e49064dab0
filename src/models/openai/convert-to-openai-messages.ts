// The canonical conversation as chat completions messages. Anything the chat completions format cannot
// carry becomes a warning, never a silent drop.

import type {
  ContentBlock,
  DocumentBlock,
  ImageBlock,
  Message,
  SystemBlock,
  ToolResultBlock,
  Warning,
} from '../../core/index.js';

export type OpenAIContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'file'; file: { filename: string; file_data: string } };

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type OpenAIChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | OpenAIContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAIToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ConvertMessagesOptions {
  /** Whether the server reads PDFs sent as `file` parts (OpenAI does; most compatible servers do not). */
  pdfFileParts: boolean;
}

// Formats whose bytes are UTF-8 text, so they can be sent as a text part when `text` was not filled in.
const TEXT_FORMATS = new Set<DocumentBlock['format']>(['txt', 'md', 'csv', 'html']);

export function convertToOpenAIMessages(
  system: readonly SystemBlock[] | undefined,
  messages: readonly Message[],
  options: ConvertMessagesOptions,
): { messages: OpenAIChatMessage[]; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const out: OpenAIChatMessage[] = [];

  // cachePoint blocks are dropped everywhere: OpenAI (and vLLM's prefix caching) cache the longest
  // repeated prompt prefix automatically, so there is nothing to mark and nothing lost.
  const texts: string[] = [];
  for (const block of system ?? []) if (block.type === 'text') texts.push(block.text);
  const systemText = texts.join('\n\n');
  if (systemText.length > 0) out.push({ role: 'system', content: systemText });

  for (const message of messages) {
    if (message.role === 'user') out.push(...convertUserMessage(message.content, options, warnings));
    else out.push(convertAssistantMessage(message.content, warnings));
  }
  return { messages: out, warnings };
}

function convertUserMessage(
  blocks: readonly ContentBlock[],
  options: ConvertMessagesOptions,
  warnings: Warning[],
): OpenAIChatMessage[] {
  // Tool results become `tool` messages placed before the rest of the user turn: the API requires them
  // to follow the assistant message that made the calls directly.
  const toolMessages: OpenAIChatMessage[] = [];
  const parts: OpenAIContentPart[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: block.text });
        break;
      case 'image':
        parts.push(imagePart(block));
        break;
      case 'document': {
        const part = documentPart(block, options, warnings);
        if (part) parts.push(part);
        break;
      }
      case 'toolResult':
        toolMessages.push({
          role: 'tool',
          tool_call_id: block.toolUseId,
          content: toolResultText(block, warnings),
        });
        break;
      case 'toolUse':
        warnings.push({
          setting: 'messages.content.toolUse',
          message: 'A tool call in a user message cannot be sent to chat completions; it was left out.',
        });
        break;
      case 'reasoning':
      case 'cachePoint':
        break;
    }
  }
  if (parts.length === 0) return toolMessages;
  const [only] = parts;
  const content = parts.length === 1 && only?.type === 'text' ? only.text : parts;
  return [...toolMessages, { role: 'user', content }];
}

function convertAssistantMessage(blocks: readonly ContentBlock[], warnings: Warning[]): OpenAIChatMessage {
  let text = '';
  const toolCalls: OpenAIToolCall[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        text += block.text;
        break;
      case 'toolUse':
        toolCalls.push({
          id: block.toolUseId,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
        break;
      // Earlier reasoning is not sent back: OpenAI has no field for it and DeepSeek rejects
      // `reasoning_content` in the history, so dropping it is the documented behaviour, not a loss.
      case 'reasoning':
      case 'cachePoint':
        break;
      default:
        warnings.push({
          setting: `messages.content.${block.type}`,
          message: `An assistant message cannot carry a ${block.type} block in chat completions; it was left out.`,
        });
    }
  }
  if (toolCalls.length === 0) return { role: 'assistant', content: text };
  return { role: 'assistant', content: text.length > 0 ? text : null, tool_calls: toolCalls };
}

function imagePart(block: ImageBlock): OpenAIContentPart {
  return { type: 'image_url', image_url: { url: dataUrl(`image/${block.format}`, block.bytes) } };
}

function documentPart(
  block: DocumentBlock,
  options: ConvertMessagesOptions,
  warnings: Warning[],
): OpenAIContentPart | undefined {
  const text = documentText(block);
  if (text !== undefined) return { type: 'text', text: wrapDocument(block.name, text) };
  if (block.format === 'pdf' && block.bytes && options.pdfFileParts) {
    const filename = block.name.toLowerCase().endsWith('.pdf') ? block.name : `${block.name}.pdf`;
    return { type: 'file', file: { filename, file_data: dataUrl('application/pdf', block.bytes) } };
  }
  warnings.push({
    setting: 'messages.content.document',
    message: `The document "${block.name}" (${block.format}) cannot be sent to this server as it is; it was left out.`,
  });
  return undefined;
}

function documentText(block: DocumentBlock): string | undefined {
  if (block.text !== undefined) return block.text;
  if (block.bytes && TEXT_FORMATS.has(block.format)) return new TextDecoder().decode(block.bytes);
  return undefined;
}

/** The document's name travels with its text so the model can cite it. */
function wrapDocument(name: string, text: string): string {
  return `<document name="${name.replaceAll('"', "'")}">\n${text}\n</document>`;
}

function toolResultText(block: ToolResultBlock, warnings: Warning[]): string {
  const pieces: string[] = [];
  for (const item of block.content) {
    if (item.type === 'text') pieces.push(item.text);
    else if (item.type === 'json') pieces.push(JSON.stringify(item.json));
    else if (item.type === 'document' && documentText(item) !== undefined)
      pieces.push(wrapDocument(item.name, documentText(item) ?? ''));
    else
      warnings.push({
        setting: `messages.content.toolResult.${item.type}`,
        message: `A tool result can only carry text in chat completions; a ${item.type} in the result of ${block.toolUseId} was left out.`,
      });
  }
  return pieces.join('\n');
}

function dataUrl(mediaType: string, bytes: Uint8Array): string {
  return `data:${mediaType};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}
