// Gemini parts to canonical stream events. Both converse() and converseStream() run the parts through
// this one reader, so a response has the same blocks whether it was streamed or not.
//
// Block rules: consecutive text parts form one text block; consecutive thought parts one reasoning
// block; a functionCall arrives whole and is a toolUse block of its own. A thoughtSignature on a
// non-thought part (Gemini 3 puts one on function calls and requires it back) becomes a
// signature-only reasoning block just before that part, so the canonical model keeps it without a
// provider field on toolUse; convert-to-gemini-contents.ts re-attaches it on the way back.

import { randomBytes } from 'node:crypto';
import type { ContentBlockStart, StreamEvent } from '../../core/index.js';
import type { GeminiResponsePart } from './gemini-response-schema.js';

type BlockKind = ContentBlockStart['type'];

export class GeminiPartReader {
  private nextIndex = 0;
  private open: { kind: BlockKind; index: number } | undefined;
  private toolCalls = 0;
  private unmapped = 0;
  // Gemini's API usually gives no call id; ids must still be unique across a conversation.
  private readonly idSuffix = randomBytes(6).toString('hex');

  get sawToolCall(): boolean {
    return this.toolCalls > 0;
  }

  /** Parts of kinds this adapter does not map (code execution, inline output data). */
  get unmappedParts(): number {
    return this.unmapped;
  }

  read(part: GeminiResponsePart): StreamEvent[] {
    const events: StreamEvent[] = [];
    const text = part.text ?? '';
    const signature = part.thoughtSignature ?? undefined;

    if (part.thought) {
      if (text === '' && signature === undefined) return events;
      const index = this.ensureOpen('reasoning', events);
      events.push({
        type: 'reasoningDelta',
        index,
        ...(text === '' ? {} : { text }),
        ...(signature === undefined ? {} : { signature }),
      });
      return events;
    }

    if (signature !== undefined) {
      const index = this.start({ type: 'reasoning' }, events);
      events.push({ type: 'reasoningDelta', index, signature });
      this.close(events);
    }

    if (part.functionCall) {
      const call = part.functionCall;
      this.toolCalls += 1;
      const toolUseId = call.id ?? `call_${this.toolCalls}_${this.idSuffix}`;
      const index = this.start({ type: 'toolUse', toolUseId, name: call.name }, events);
      events.push({ type: 'toolUseDelta', index, input: JSON.stringify(call.args ?? {}) });
      this.close(events);
      return events;
    }

    if (text !== '') {
      const index = this.ensureOpen('text', events);
      events.push({ type: 'textDelta', index, text });
    } else if (part.text == null && signature === undefined) {
      this.unmapped += 1;
    }
    return events;
  }

  /** Closes the block still open at the end of the response. */
  finish(): StreamEvent[] {
    const events: StreamEvent[] = [];
    this.close(events);
    return events;
  }

  private ensureOpen(kind: 'text' | 'reasoning', events: StreamEvent[]): number {
    if (this.open?.kind === kind) return this.open.index;
    return this.start({ type: kind }, events);
  }

  private start(start: ContentBlockStart, events: StreamEvent[]): number {
    this.close(events);
    const index = this.nextIndex++;
    events.push({ type: 'contentBlockStart', index, start });
    this.open = { kind: start.type, index };
    return index;
  }

  private close(events: StreamEvent[]): void {
    if (!this.open) return;
    events.push({ type: 'contentBlockStop', index: this.open.index });
    this.open = undefined;
  }
}
