// Server-sent events as typed records. Framing is parsed here, once; adapters see `{event, data}` only.

export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/** Parses an SSE byte stream (text/event-stream) into events, per the WHATWG rules adapters rely on. */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let pending = '';
  let event: string | undefined;
  let id: string | undefined;
  let data: string[] = [];

  const takeLine = function* (line: string): Generator<SseEvent> {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') {
      if (data.length > 0) {
        const out: SseEvent = { data: data.join('\n') };
        if (event !== undefined) out.event = event;
        if (id !== undefined) out.id = id;
        yield out;
      }
      data = [];
      event = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') id = value;
  };

  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let i = pending.indexOf('\n', start); i !== -1; i = pending.indexOf('\n', start)) {
      yield* takeLine(pending.slice(start, i));
      start = i + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending.length > 0) yield* takeLine(pending);
  yield* takeLine('');
}
