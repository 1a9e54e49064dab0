// Canonical system prompt and messages -> Anthropic content blocks. A canonical cachePoint has no block of
// its own on Anthropic: it becomes `cache_control` on the block before it, which ends the cached prefix.

import type {
  CachePointBlock,
  DocumentBlock,
  ImageBlock,
  Message,
  ReasoningBlock,
  SystemBlock,
  ToolResultBlock,
  ToolResultContent,
  Warning,
} from '../../core/index.js';
import { LakegateError } from '../../core/index.js';
import type {
  AnthropicCacheControl,
  AnthropicContentBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicToolResultContent,
} from './anthropic-request-types.js';

// Formats whose bytes are text; Anthropic reads them as a plain-text document.
const TEXT_DOCUMENT_FORMATS = new Set(['txt', 'md', 'csv', 'html']);

export function cacheControlOf(point: CachePointBlock): AnthropicCacheControl {
  return point.ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
}

/** Puts the cache point on the last block so far; a cache point with nothing before it is reported. */
export function markLast(
  blocks: Array<{ cache_control?: AnthropicCacheControl }>,
  point: CachePointBlock,
  where: string,
  warnings: Warning[],
): void {
  const last = blocks.at(-1);
  if (last) last.cache_control = cacheControlOf(point);
  else
    warnings.push({
      setting: where,
      message: 'A cachePoint with no block before it caches nothing on Anthropic; it was ignored.',
    });
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function imageBlock(block: ImageBlock): AnthropicImageBlock {
  return {
    type: 'image',
    source: { type: 'base64', media_type: `image/${block.format}`, data: base64(block.bytes) },
  };
}

function documentBlock(block: DocumentBlock): AnthropicDocumentBlock {
  const titled = (source: AnthropicDocumentBlock['source']): AnthropicDocumentBlock => ({
    type: 'document',
    source,
    title: block.name,
  });
  if (block.format === 'pdf' && block.bytes) {
    return titled({ type: 'base64', media_type: 'application/pdf', data: base64(block.bytes) });
  }
  if (block.text !== undefined) return titled({ type: 'text', media_type: 'text/plain', data: block.text });
  if (block.bytes && TEXT_DOCUMENT_FORMATS.has(block.format)) {
    return titled({ type: 'text', media_type: 'text/plain', data: new TextDecoder().decode(block.bytes) });
  }
  // Dropping a document the caller asked the model to read would answer a different question.
  throw new LakegateError(
    'UNSUPPORTED_OPERATION',
    `Anthropic reads PDF and plain-text documents only; document "${block.name}" (${block.format}) needs its text extracted first.`,
    { details: { document: block.name, format: block.format } },
  );
}

function toolResultPart(part: ToolResultContent): AnthropicToolResultContent {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'json':
      return { type: 'text', text: JSON.stringify(part.json) };
    case 'image':
      return imageBlock(part);
    case 'document':
      return documentBlock(part);
  }
}

function toolResultBlock(block: ToolResultBlock): AnthropicToolResultBlock {
  const out: AnthropicToolResultBlock = {
    type: 'tool_result',
    tool_use_id: block.toolUseId,
    content: block.content.map(toolResultPart),
  };
  if (block.status === 'error') out.is_error = true;
  return out;
}

function reasoningBlock(block: ReasoningBlock, warnings: Warning[]): AnthropicContentBlock | undefined {
  if (block.redacted) return { type: 'redacted_thinking', data: base64(block.redacted) };
  // Anthropic verifies the signature of every thinking block it is sent back; reasoning from another
  // provider has none and would fail the whole request.
  if (block.signature === undefined) {
    warnings.push({
      setting: 'messages.reasoning',
      message: 'Reasoning without a signature cannot be sent to Anthropic; it was left out.',
    });
    return undefined;
  }
  return { type: 'thinking', thinking: block.text, signature: block.signature };
}

function convertMessage(message: Message, index: number, warnings: Warning[]): AnthropicMessage {
  const content: AnthropicContentBlock[] = [];
  for (const block of message.content) {
    switch (block.type) {
      case 'text':
        content.push({ type: 'text', text: block.text });
        break;
      case 'image':
        content.push(imageBlock(block));
        break;
      case 'document':
        content.push(documentBlock(block));
        break;
      case 'toolUse':
        content.push({ type: 'tool_use', id: block.toolUseId, name: block.name, input: block.input });
        break;
      case 'toolResult':
        content.push(toolResultBlock(block));
        break;
      case 'reasoning': {
        const converted = reasoningBlock(block, warnings);
        if (converted) content.push(converted);
        break;
      }
      case 'cachePoint':
        markLast(content, block, `messages[${index}].cachePoint`, warnings);
        break;
    }
  }
  return { role: message.role, content };
}

export function convertToAnthropicMessages(
  messages: readonly Message[],
  warnings: Warning[],
): AnthropicMessage[] {
  return messages.map((message, index) => convertMessage(message, index, warnings));
}

export function convertToAnthropicSystem(
  system: readonly SystemBlock[],
  warnings: Warning[],
): AnthropicTextBlock[] {
  const out: AnthropicTextBlock[] = [];
  for (const block of system) {
    if (block.type === 'text') out.push({ type: 'text', text: block.text });
    else markLast(out, block, 'system.cachePoint', warnings);
  }
  return out;
}
