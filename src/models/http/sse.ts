// Server-sent events as typed records. Framing is parsed here, once; adapters see `{event, data}` only.

export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

const NEWLINE = 0x0a;
const BOM = '\ufeff';

/**
 * The SSE parser proper: takes the body's bytes in whatever pieces the network delivers and returns
 * the events each piece completes, synchronously. Lines are cut on the '\n' byte and decoded one by one
 * (a UTF-8 sequence never contains that byte, so a character split across pieces is never cut), which
 * spares a TextDecoder and a growing string per stream.
 */
export class SseParser {
  /** The bytes of a line not finished yet, in the pieces they came in (joined once, when it ends). */
  private pending: Buffer[] = [];
  private started = false;
  private event: string | undefined;
  private id: string | undefined;
  private data: string[] = [];

  /** The events completed by `bytes`. */
  push(bytes: Uint8Array): SseEvent[] {
    const out: SseEvent[] = [];
    const buf = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let start = 0;
    let end = buf.indexOf(NEWLINE);
    if (end !== -1 && this.pending.length > 0) {
      this.pending.push(buf.subarray(0, end));
      this.line(Buffer.concat(this.pending).toString('utf8'), out);
      this.pending = [];
      start = end + 1;
      end = buf.indexOf(NEWLINE, start);
    }
    for (; end !== -1; end = buf.indexOf(NEWLINE, start)) {
      this.line(buf.toString('utf8', start, end), out);
      start = end + 1;
    }
    if (start < buf.length) this.pending.push(buf.subarray(start));
    return out;
  }

  /** The events the end of the body completes (an unterminated last line, a last event without its blank line). */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.pending.length > 0) this.line(Buffer.concat(this.pending).toString('utf8'), out);
    this.pending = [];
    this.line('', out);
    return out;
  }

  private line(text: string, out: SseEvent[]): void {
    // The stream's first line may start with a byte order mark, which is not part of it.
    if (!this.started) {
      this.started = true;
      if (text.startsWith(BOM)) text = text.slice(1);
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text === '') {
      if (this.data.length > 0) {
        const event: SseEvent = { data: this.data.length === 1 ? this.data[0]! : this.data.join('\n') };
        if (this.event !== undefined) event.event = this.event;
        if (this.id !== undefined) event.id = this.id;
        out.push(event);
      }
      this.data = [];
      this.event = undefined;
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
  }
}

/** Parses an SSE byte stream (text/event-stream) into events, per the WHATWG rules adapters rely on. */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  for await (const chunk of body) {
    for (const event of parser.push(chunk)) yield event;
  }
  for (const event of parser.end()) yield event;
}
