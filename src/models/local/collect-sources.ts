// What the extractive answerer reads: the question (the last user turn's text) and every other piece of
// text in the request, each labelled with the source a citation will name.

import type { ConverseRequest, Message, ToolResultBlock } from '../../core/index.js';
import { stripAnswerMarkup } from './render-answer.js';
import { splitSentences } from './sentence-split.js';

export const CONTEXT_LABEL = 'context';

export interface SourceUnit {
  label: string;
  text: string;
}

export interface ExtractiveInput {
  question: string;
  units: SourceUnit[];
}

function messageText(message: Message): string {
  return message.content
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join('\n')
    .trim();
}

/** JSON results are stringified compactly; an array puts each element on its own line, one record each. */
function jsonText(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => JSON.stringify(item) ?? 'null').join('\n');
  return JSON.stringify(value) ?? '';
}

function toolResultUnits(block: ToolResultBlock): SourceUnit[] {
  const label = `tool result ${block.toolUseId}`;
  const out: SourceUnit[] = [];
  for (const item of block.content) {
    if (item.type === 'text') out.push({ label, text: item.text });
    else if (item.type === 'json') out.push({ label, text: jsonText(item.json) });
    else if (item.type === 'document' && item.text !== undefined) out.push({ label, text: item.text });
  }
  return out;
}

function questionIndex(messages: readonly Message[]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user' && messageText(message) !== '') return i;
  }
  return -1;
}

export function collectSources(request: ConverseRequest): ExtractiveInput {
  const units: SourceUnit[] = [];
  const add = (label: string, text: string): void => {
    if (text.trim() !== '') units.push({ label, text });
  };
  for (const block of request.system ?? []) if (block.type === 'text') add(CONTEXT_LABEL, block.text);

  const asked = questionIndex(request.messages);
  request.messages.forEach((message, i) => {
    for (const block of message.content) {
      if (block.type === 'text' && i !== asked) {
        add(CONTEXT_LABEL, message.role === 'assistant' ? stripAnswerMarkup(block.text) : block.text);
      } else if (block.type === 'document' && block.text !== undefined) {
        add(block.name.trim() === '' ? 'document' : block.name, block.text);
      } else if (block.type === 'toolResult') {
        for (const unit of toolResultUnits(block)) add(unit.label, unit.text);
      }
    }
  });
  const turn = asked === -1 ? { question: '' } : splitQuestion(messageText(request.messages[asked]!));
  if (turn.context) add(CONTEXT_LABEL, turn.context);
  return { question: turn.question, units };
}

/**
 * People often paste the context and ask in one turn ("<notes> ... What caused the damage?"). The
 * question is then the last paragraph, or the trailing sentences from the last one that asks; what
 * comes before it is context to answer from.
 */
export function splitQuestion(text: string): { question: string; context?: string } {
  const paragraphs = text.split(/\n\s*\n/).filter((p) => p.trim() !== '');
  if (paragraphs.length > 1) {
    return { question: paragraphs.at(-1)!.trim(), context: paragraphs.slice(0, -1).join('\n\n') };
  }
  const sentences = splitSentences(text);
  const asking = sentences.findLastIndex((sentence) => sentence.trim().endsWith('?'));
  if (sentences.length < 2 || asking <= 0) return { question: text };
  return { question: sentences.slice(asking).join(' '), context: sentences.slice(0, asking).join(' ') };
}
