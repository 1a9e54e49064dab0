import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../core/index.js';
import { startedUsageRecord } from '../../observability/index.js';
import { LoggedStream } from './logged-stream.js';
import { PayloadLog } from './payload-log.js';
import { type PayloadRow, type PayloadSink, requestJson } from './payload-row.js';

/** A sink that keeps what it is given, and fails while told to. */
class MemorySink implements PayloadSink {
  readonly batches: PayloadRow[][] = [];
  failing = false;
  async write(rows: PayloadRow[]): Promise<PayloadRow[]> {
    if (this.failing) throw new Error('table unavailable');
    // Rows of the endpoint "flaky" fail on their own; the others are written.
    this.batches.push(rows.filter((r) => r.record.requestedModel !== 'flaky'));
    return rows.filter((r) => r.record.requestedModel === 'flaky');
  }
  get rows(): PayloadRow[] {
    return this.batches.flat();
  }
}

const row = (requestId: string, endpoint = 'assistant'): PayloadRow => ({
  record: startedUsageRecord(0, requestId, 'p1', 'ana', null, 'converse', endpoint),
  request: { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
  response: { kind: 'error', code: 'MODEL_UPSTREAM_ERROR' },
});

const logOf = (sink: PayloadSink, extra: Partial<ConstructorParameters<typeof PayloadLog>[0]> = {}) =>
  new PayloadLog({ sampleRates: new Map([['assistant', 1]]), sink, flushIntervalMs: 60_000, ...extra });

describe('PayloadLog', () => {
  it('samples only the endpoints with a table, at their rate', async () => {
    let draw = 0.3;
    const log = new PayloadLog({
      sampleRates: new Map([
        ['all', 1],
        ['half', 0.5],
        ['none', 0],
      ]),
      sink: new MemorySink(),
      random: () => draw,
    });
    expect(log.sampled('all')).toBe(true);
    expect(log.sampled('half')).toBe(true);
    draw = 0.7;
    expect(log.sampled('half')).toBe(false);
    expect(log.sampled('none')).toBe(false);
    expect(log.sampled('openai/gpt-4o')).toBe(false);
    await log.close();
  });

  it('writes queued calls in one batch, and what is left on close', async () => {
    const sink = new MemorySink();
    const log = logOf(sink);
    log.add(row('r1'));
    log.add(row('r2'));
    await log.flush();
    expect(sink.batches.map((b) => b.map((r) => r.record.requestId))).toEqual([['r1', 'r2']]);
    log.add(row('r3'));
    await log.close();
    expect(sink.rows.map((r) => r.record.requestId)).toEqual(['r1', 'r2', 'r3']);
    log.add(row('late'));
    expect(log.queued).toBe(0);
  });

  it('flushes on its own every interval', async () => {
    const sink = new MemorySink();
    const log = logOf(sink, { flushIntervalMs: 20 });
    log.add(row('r1'));
    await expect.poll(() => sink.rows.length).toBe(1);
    await log.close();
  });

  it('writes a full batch without waiting for the timer, once per batch', async () => {
    const sink = new MemorySink();
    const log = logOf(sink, { batchRows: 3 });
    log.add(row('r1'));
    log.add(row('r2'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.batches).toEqual([]);
    // The third call makes a batch; the fourth, queued before that batch is written, rides along.
    log.add(row('r3'));
    log.add(row('r4'));
    await expect.poll(() => sink.rows.length).toBe(4);
    expect(sink.batches.map((b) => b.map((r) => r.record.requestId))).toEqual([['r1', 'r2', 'r3', 'r4']]);
    for (const id of ['r5', 'r6', 'r7']) log.add(row(id));
    await expect.poll(() => sink.batches.length).toBe(2);
    expect(sink.batches[1]?.map((r) => r.record.requestId)).toEqual(['r5', 'r6', 'r7']);
    await log.close();
    expect(sink.batches).toHaveLength(2);
  });

  it('keeps a failed batch for the next flush, bounds the queue, and reports drops', async () => {
    const sink = new MemorySink();
    const errors: string[] = [];
    const log = logOf(sink, { maxQueued: 3, onError: (message) => errors.push(message) });
    sink.failing = true;
    log.add(row('r1'));
    log.add(row('r2'));
    await log.flush();
    expect(errors).toEqual(['payload log: writing a batch failed, will retry']);
    log.add(row('r3'));
    log.add(row('r4')); // the queue holds 3: dropped
    sink.failing = false;
    await log.flush();
    expect(sink.rows.map((r) => r.record.requestId)).toEqual(['r1', 'r2', 'r3']);
    expect(errors[1]).toBe('payload log: 1 call(s) not logged, the queue was full');
    await log.close();
  });

  it('retries only the rows the sink could not write', async () => {
    const sink = new MemorySink();
    const errors: string[] = [];
    const log = logOf(sink, { onError: (message) => errors.push(message) });
    log.add(row('ok-1'));
    log.add(row('retry-1', 'flaky'));
    await log.flush();
    expect(sink.rows.map((r) => r.record.requestId)).toEqual(['ok-1']);
    expect(log.queued).toBe(1);
    expect(errors).toEqual(['payload log: writing a batch failed, will retry']);
    await log.close();
  });
});

describe('request JSON', () => {
  it('replaces bytes by their size, never copying them into the log', () => {
    const json = requestJson({
      messages: [{ role: 'user', content: [{ type: 'image', format: 'png', bytes: new Uint8Array(2048) }] }],
    });
    expect(JSON.parse(json)).toEqual({
      messages: [{ role: 'user', content: [{ type: 'image', format: 'png', bytes: { bytes: 2048 } }] }],
    });
  });
});

async function* events(fail = false): AsyncGenerator<StreamEvent> {
  yield { type: 'messageStart', role: 'assistant' };
  yield { type: 'textDelta', index: 0, text: 'Hello ' };
  if (fail) throw Object.assign(new Error('cut'), { code: 'MODEL_UPSTREAM_ERROR' });
  yield { type: 'textDelta', index: 0, text: 'world.' };
  yield { type: 'messageStop', stopReason: 'end_turn' };
}

describe('LoggedStream', () => {
  it('logs the assembled text once the stream ends', async () => {
    const logged: unknown[] = [];
    const stream = new LoggedStream(events(), (r) => logged.push(r));
    for await (const _ of stream) expect(logged).toEqual([]);
    expect(logged).toEqual([{ kind: 'stream', text: 'Hello world.', stopReason: 'end_turn' }]);
  });

  it('logs what was streamed when the stream fails or the client leaves', async () => {
    const failed: unknown[] = [];
    await expect(async () => {
      for await (const _ of new LoggedStream(events(true), (r) => failed.push(r))) {
        // read on
      }
    }).rejects.toThrow('cut');
    expect(failed).toEqual([{ kind: 'stream', text: 'Hello ', stopReason: 'MODEL_UPSTREAM_ERROR' }]);

    const left: unknown[] = [];
    for await (const event of new LoggedStream(events(), (r) => left.push(r))) {
      if (event.type === 'textDelta') break;
    }
    expect(left).toEqual([{ kind: 'stream', text: 'Hello ', stopReason: 'cancelled' }]);
  });
});
