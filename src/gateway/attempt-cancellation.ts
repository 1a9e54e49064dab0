// The cancellation of one attempt of a routed call: the attempt's timer and the client's leaving, in one
// CancellationSource the HTTP adapters follow without an AbortSignal.

import { CancellationSource, LakegateError } from '../core/index.js';
import type { CallOptions } from '../models/index.js';
import type { RouterCallOptions } from './router.js';

/**
 * One attempt's cancellation: it fires after `ms` or when the client goes. `stop()` disarms the timer
 * but keeps following the client, so a stream that outlives its attempt is still cancelled when the
 * client leaves. Adapters that can follow it directly; an AbortSignal is made only if something reads
 * `signal` (one timer and no signal: this runs on every request).
 */
export class AttemptCancellation extends CancellationSource {
  expired = false;
  private readonly handle: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    options: RouterCallOptions,
  ) {
    super();
    const { client, signal: parent } = options;
    if (client) {
      if (client.reason !== undefined) this.cancel(client.reason);
      else client.onCancel((reason) => this.cancel(reason));
    } else if (parent?.aborted) this.cancel(parent.reason);
    else parent?.addEventListener('abort', () => this.cancel(parent.reason), { once: true });
    this.handle = setTimeout(expire, Math.max(0, ms), this);
  }

  timedOut(): void {
    this.expired = true;
    this.cancel(new LakegateError('MODEL_UPSTREAM_TIMEOUT', `Timed out after ${this.ms} ms.`));
  }

  stop(): void {
    clearTimeout(this.handle);
  }

  /** The options an attempt is called with: the cancellation, and a signal made only when read. */
  callOptions(requestId: string | undefined): CallOptions {
    return new AttemptCallOptions(this, requestId);
  }
}

/**
 * A class: an object literal with a getter is slow to make (1 % of the gateway's CPU); this getter is on
 * the prototype.
 */
class AttemptCallOptions implements CallOptions {
  requestId?: string;

  constructor(
    readonly cancellation: AttemptCancellation,
    requestId: string | undefined,
  ) {
    if (requestId) this.requestId = requestId;
  }

  get signal(): AbortSignal {
    return this.cancellation.signal;
  }
}

function expire(attempt: AttemptCancellation): void {
  attempt.timedOut();
}
