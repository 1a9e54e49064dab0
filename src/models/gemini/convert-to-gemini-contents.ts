// Canonical messages to Gemini `contents`. Two things have no direct counterpart: a function response
// must carry the function's NAME (found from the earlier toolUse with the same id), and a thought
// signature that Gemini put on a non-thought part travels as a signature-only reasoning block just
// before that part (see gemini-parts-to-events.ts), so it is re-attached to the next part here.

import {
  type ContentBlock,
  type DocumentBlock,
  isRecord,
  type Message,
  type ToolResultBlock,
  validationError,
} from '../../core/index.js';
import type { GeminiContent, GeminiPart } from './gemini-wire-types.js';
import type { WarningList } from './warning-list.js';

const TEXT_DOCUMENT_FORMATS = new Set(['txt', 'md', 'csv', 'html']);

export function convertToGeminiContents(
  messages: readonly Message[],
  warnings: WarningList,
): GeminiContent[] {
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    for (const block of message.content) {
      if (block.type === 'toolUse') toolNames.set(block.toolUseId, block.name);
    }
  }

  const contents: GeminiContent[] = [];
  for (const message of messages) {
    const parts: GeminiPart[] = [];
    let pendingSignature: string | undefined;
    for (const block of message.content) {
      if (block.type === 'reasoning' && block.text === '' && block.signature !== undefined) {
        pendingSignature = block.signature;
        continue;
      }
      const part = convertBlock(block, toolNames, warnings);
      if (!part) continue;
      if (pendingSignature !== undefined && part.thoughtSignature === undefined) {
        part.thoughtSignature = pendingSignature;
        pendingSignature = undefined;
      }
      parts.push(part);
    }
    // A signature Gemini sent on an empty trailing part: keep it on the last part rather than send an
    // empty text part, which Gemini rejects.
    const last = parts.at(-1);
    if (pendingSignature !== undefined && last && last.thoughtSignature === undefined) {
      last.thoughtSignature = pendingSignature;
    }
    if (parts.length === 0) continue;
    contents.push({ role: message.role === 'assistant' ? 'model' : 'user', parts });
  }
  return contents;
}

function convertBlock(
  block: ContentBlock,
  toolNames: ReadonlyMap<string, string>,
  warnings: WarningList,
): GeminiPart | undefined {
  switch (block.type) {
    case 'text':
      return { text: block.text };
    case 'image':
      return { inlineData: { mimeType: `image/${block.format}`, data: base64(block.bytes) } };
    case 'document':
      return convertDocument(block, warnings);
    case 'toolUse':
      return { functionCall: { name: block.name, args: block.input ?? {} } };
    case 'toolResult':
      return convertToolResult(block, toolNames, warnings);
    case 'reasoning':
      if (block.text === '') {
        if (block.redacted) {
          warnings.add('messages.reasoning', 'Gemini cannot take redacted reasoning; it was omitted.');
        }
        return undefined;
      }
      return {
        text: block.text,
        thought: true,
        ...(block.signature === undefined ? {} : { thoughtSignature: block.signature }),
      };
    case 'cachePoint':
      warnings.add(
        'messages.cachePoint',
        'Gemini caches only through explicit cachedContents resources; the cache point was ignored.',
      );
      return undefined;
  }
}

function convertDocument(block: DocumentBlock, warnings: WarningList): GeminiPart | undefined {
  if (block.text !== undefined) return { text: block.text };
  if (block.bytes === undefined) return undefined;
  if (block.format === 'pdf')
    return { inlineData: { mimeType: 'application/pdf', data: base64(block.bytes) } };
  if (TEXT_DOCUMENT_FORMATS.has(block.format)) return { text: new TextDecoder().decode(block.bytes) };
  warnings.add(
    'messages.document',
    `Gemini does not read ${block.format} documents; the document "${block.name}" was omitted.`,
  );
  return undefined;
}

function convertToolResult(
  block: ToolResultBlock,
  toolNames: ReadonlyMap<string, string>,
  warnings: WarningList,
): GeminiPart {
  const name = toolNames.get(block.toolUseId);
  if (name === undefined) {
    throw validationError(
      `The tool result ${block.toolUseId} answers no earlier toolUse in the conversation; Gemini needs the tool's name.`,
      { toolUseId: block.toolUseId },
    );
  }
  const values: unknown[] = [];
  for (const item of block.content) {
    if (item.type === 'json') values.push(item.json);
    else if (item.type === 'text') values.push(item.text);
    else if (item.type === 'document' && item.text !== undefined) values.push(item.text);
    else {
      warnings.add(
        'messages.toolResult.content',
        `Gemini function responses carry JSON only; a ${item.type} in a tool result was omitted.`,
      );
    }
  }
  const value =
    values.length === 1 ? values[0] : values.every((v) => typeof v === 'string') ? values.join('\n') : values;
  const response =
    block.status === 'error' ? { error: value } : isRecord(value) ? value : { content: value ?? '' };
  return { functionResponse: { name, response } };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
