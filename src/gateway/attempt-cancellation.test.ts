// An attempt's cancellation fires once, for its timer or the client, to listeners and to a signal made
// before or after it fired; after stop() it still follows the client.

import { describe, expect, it } from 'vitest';
import { CancellationSource } from '../core/index.js';
import { AttemptCancellation } from './attempt-cancellation.js';

describe('AttemptCancellation', () => {
  it('times out once, telling listeners and a signal read afterwards', async () => {
    const attempt = new AttemptCancellation(5, {});
    const heard: unknown[] = [];
    attempt.onCancel((reason) => heard.push(reason));
    const unsubscribed = attempt.onCancel(() => heard.push('should not be called'));
    unsubscribed();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(attempt.expired).toBe(true);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ code: 'MODEL_UPSTREAM_TIMEOUT' });
    const signal = attempt.callOptions('req-1').signal!;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(heard[0]);
  });

  it('follows the client, also after stop(), and a signal made before fires too', () => {
    const client = new CancellationSource();
    const attempt = new AttemptCancellation(60_000, { client });
    const call = attempt.callOptions(undefined);
    const signal = call.signal!;
    attempt.stop();
    expect(signal.aborted).toBe(false);
    client.cancel('gone');
    expect(signal.aborted).toBe(true);
    expect(call.cancellation?.reason).toBe('gone');
    expect(attempt.expired).toBe(false);
  });

  it('starts cancelled when the client has already gone', () => {
    const client = new CancellationSource();
    client.cancel('gone before');
    const attempt = new AttemptCancellation(60_000, { client });
    attempt.stop();
    expect(attempt.reason).toBe('gone before');
  });
});
