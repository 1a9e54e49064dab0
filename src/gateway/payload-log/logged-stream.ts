// A stream whose text is assembled as the client reads it and logged once when it ends: read to the
// end, failed, or abandoned. The text logged is what the client received (after an endpoint guardrail,
// which runs below this wrapper), so a withheld sentence is never in the log either.

import type { StreamEvent } from '../../core/index.js';
import type { LoggedResponse } from './payload-row.js';

export class LoggedStream implements AsyncIterable<StreamEvent>, AsyncIterator<StreamEvent> {
  private iterator: AsyncIterator<StreamEvent> | undefined;
  private text = '';
  private stopReason: string | null = null;
  private ended = false;

  constructor(
    private readonly source: AsyncIterable<StreamEvent>,
    /** Called once with what was streamed, after the source (and its metering) has finished. */
    private readonly onEnd: (response: LoggedResponse) => void,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    this.iterator ??= this.source[Symbol.asyncIterator]();
    return this;
  }

  async next(): Promise<IteratorResult<StreamEvent>> {
    this.iterator ??= this.source[Symbol.asyncIterator]();
    let result: IteratorResult<StreamEvent>;
    try {
      result = await this.iterator.next();
    } catch (error) {
      this.end({ kind: 'stream', text: this.text, stopReason: errorCode(error) });
      throw error;
    }
    if (result.done) this.end({ kind: 'stream', text: this.text, stopReason: this.stopReason });
    else if (result.value.type === 'textDelta') this.text += result.value.text;
    else if (result.value.type === 'messageStop') this.stopReason = result.value.stopReason;
    return result;
  }

  async return(): Promise<IteratorResult<StreamEvent>> {
    await this.iterator?.return?.();
    this.end({ kind: 'stream', text: this.text, stopReason: 'cancelled' });
    return { done: true, value: undefined };
  }

  private end(response: LoggedResponse): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(response);
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}
