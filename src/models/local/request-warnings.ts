// What `local/extractive` cannot honour, reported as warnings instead of silently ignored.

import type { ConverseRequest, Warning } from '../../core/index.js';

export function extractiveWarnings(request: ConverseRequest): Warning[] {
  const warnings: Warning[] = [];
  const config = request.inferenceConfig ?? {};
  for (const setting of ['temperature', 'topP'] as const) {
    if (config[setting] !== undefined) {
      warnings.push({
        setting: `inferenceConfig.${setting}`,
        message: 'local/extractive does not sample: its answer is deterministic, so this is ignored.',
      });
    }
  }
  if (request.toolConfig?.tools.some((tool) => tool.type === 'tool')) {
    warnings.push({
      setting: 'toolConfig',
      message:
        'local/extractive never calls tools: it ranks and quotes the text it was given and cannot plan a tool call.',
    });
  }
  if (request.additionalModelRequestFields !== undefined) {
    warnings.push({
      setting: 'additionalModelRequestFields',
      message: 'local/extractive has no provider-specific fields; they are ignored.',
    });
  }
  const unread = request.messages.some((message) =>
    message.content.some(
      (block) =>
        block.type === 'image' ||
        (block.type === 'document' && block.text === undefined) ||
        (block.type === 'toolResult' &&
          block.content.some((c) => c.type === 'image' || (c.type === 'document' && c.text === undefined))),
    ),
  );
  if (unread) {
    warnings.push({
      setting: 'messages',
      message: 'local/extractive reads text only: images and documents without a text layer are ignored.',
    });
  }
  return warnings;
}
