// The canonical response and stream events in Bedrock's Converse wire format.

import type {
  ContentBlock,
  ConverseResponse,
  StreamEvent,
  ToolResultContent,
  Usage,
} from '../../core/index.js';

const base64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

function toolResultContentToWire(content: ToolResultContent): Record<string, unknown> {
  switch (content.type) {
    case 'text':
      return { text: content.text };
    case 'json':
      return { json: content.json };
    case 'image':
      return { image: { format: content.format, source: { bytes: base64(content.bytes) } } };
    case 'document':
      return { document: documentToWire(content) };
  }
}

function documentToWire(doc: ContentBlock & { type: 'document' }): Record<string, unknown> {
  const source = doc.bytes ? { bytes: base64(doc.bytes) } : { text: doc.text ?? '' };
  return { name: doc.name, format: doc.format, source };
}

export function contentBlockToWire(block: ContentBlock): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { text: block.text };
    case 'image':
      return { image: { format: block.format, source: { bytes: base64(block.bytes) } } };
    case 'document':
      return { document: documentToWire(block) };
    case 'toolUse':
      return { toolUse: { toolUseId: block.toolUseId, name: block.name, input: block.input } };
    case 'toolResult':
      return {
        toolResult: {
          toolUseId: block.toolUseId,
          content: block.content.map(toolResultContentToWire),
          ...(block.status ? { status: block.status } : {}),
        },
      };
    case 'reasoning':
      if (block.redacted) return { reasoningContent: { redactedContent: base64(block.redacted) } };
      return {
        reasoningContent: {
          reasoningText: { text: block.text, ...(block.signature ? { signature: block.signature } : {}) },
        },
      };
    case 'cachePoint':
      return { cachePoint: { type: 'default', ...(block.ttl ? { ttl: block.ttl } : {}) } };
  }
}

export function usageToWire(usage: Usage): Record<string, number> {
  const out: Record<string, number> = {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    totalTokens: usage.totalTokens,
  };
  if (usage.cacheReadInputTokens !== undefined) out.cacheReadInputTokens = usage.cacheReadInputTokens;
  if (usage.cacheWriteInputTokens !== undefined) out.cacheWriteInputTokens = usage.cacheWriteInputTokens;
  return out;
}

export function converseResponseToWire(response: ConverseResponse): Record<string, unknown> {
  return {
    output: {
      message: {
        role: response.output.message.role,
        content: response.output.message.content.map(contentBlockToWire),
      },
    },
    stopReason: response.stopReason,
    usage: usageToWire(response.usage),
    metrics: { latencyMs: response.metrics.latencyMs },
  };
}

export interface WireStreamEvent {
  eventType: string;
  payload: Record<string, unknown>;
}

/** One canonical stream event as a ConverseStream event; undefined for events Bedrock does not send. */
export function streamEventToWire(event: StreamEvent): WireStreamEvent | undefined {
  switch (event.type) {
    case 'messageStart':
      return { eventType: 'messageStart', payload: { role: event.role } };
    case 'contentBlockStart':
      // Bedrock announces only tool-use blocks; text and reasoning blocks start with their first delta.
      if (event.start.type !== 'toolUse') return undefined;
      return {
        eventType: 'contentBlockStart',
        payload: {
          contentBlockIndex: event.index,
          start: { toolUse: { toolUseId: event.start.toolUseId, name: event.start.name } },
        },
      };
    case 'textDelta':
      return {
        eventType: 'contentBlockDelta',
        payload: { contentBlockIndex: event.index, delta: { text: event.text } },
      };
    case 'toolUseDelta':
      return {
        eventType: 'contentBlockDelta',
        payload: { contentBlockIndex: event.index, delta: { toolUse: { input: event.input } } },
      };
    case 'reasoningDelta': {
      const reasoningContent: Record<string, string> = {};
      if (event.text !== undefined) reasoningContent.text = event.text;
      if (event.signature !== undefined) reasoningContent.signature = event.signature;
      return {
        eventType: 'contentBlockDelta',
        payload: { contentBlockIndex: event.index, delta: { reasoningContent } },
      };
    }
    case 'contentBlockStop':
      return { eventType: 'contentBlockStop', payload: { contentBlockIndex: event.index } };
    case 'messageStop':
      return { eventType: 'messageStop', payload: { stopReason: event.stopReason } };
    case 'metadata':
      return {
        eventType: 'metadata',
        payload: { usage: usageToWire(event.usage), metrics: { latencyMs: event.metrics.latencyMs } },
      };
  }
}
