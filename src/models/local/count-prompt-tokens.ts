// The prompt's token estimate: everything a model would read as text. Images and documents without a
// text layer are not counted: no local model reads them, and a guess per image would be invented.

import type { ConverseRequest, ToolResultContent } from '../../core/index.js';
import { estimateTokens } from './token-estimate.js';

function toolResultTokens(content: readonly ToolResultContent[]): number {
  let count = 0;
  for (const item of content) {
    if (item.type === 'text') count += estimateTokens(item.text);
    else if (item.type === 'json') count += estimateTokens(JSON.stringify(item.json) ?? '');
    else if (item.type === 'document' && item.text !== undefined) count += estimateTokens(item.text);
  }
  return count;
}

export function countPromptTokens(request: ConverseRequest): number {
  let count = 0;
  for (const block of request.system ?? []) if (block.type === 'text') count += estimateTokens(block.text);
  for (const message of request.messages) {
    for (const block of message.content) {
      switch (block.type) {
        case 'text':
        case 'reasoning':
          count += estimateTokens(block.text);
          break;
        case 'document':
          count += estimateTokens(block.name) + (block.text === undefined ? 0 : estimateTokens(block.text));
          break;
        case 'toolUse':
          count += estimateTokens(block.name) + estimateTokens(JSON.stringify(block.input) ?? '');
          break;
        case 'toolResult':
          count += toolResultTokens(block.content);
          break;
        case 'image':
        case 'cachePoint':
          break;
      }
    }
  }
  for (const tool of request.toolConfig?.tools ?? []) {
    if (tool.type !== 'tool') continue;
    count += estimateTokens(tool.name) + estimateTokens(tool.description ?? '');
    count += estimateTokens(JSON.stringify(tool.inputSchema));
  }
  return count;
}
