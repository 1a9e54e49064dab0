// A cancellation that can be followed without an AbortSignal: a reason once cancelled and a list of
// listeners, and an AbortSignal only for code that asks for one. Every model call follows two of them —
// its client's (the pipeline's) and its attempt's (the router's) — and in Node 20 an AbortSignal per
// request, made, listened to and read, cost more than anything else the pipeline itself did.

import { LakegateError } from './errors.js';

type Listener = (reason: unknown) => void;

/** What an unsubscribe does when there was nothing to subscribe to. */
const NOTHING_TO_UNSUBSCRIBE = (): void => undefined;

export class CancellationSource {
  /** The reason once cancelled; undefined until then. */
  reason: unknown = undefined;
  private listeners: Listener[] | undefined = undefined;
  private controller: AbortController | undefined = undefined;

  /** Cancels, once: the signal (if one was made) and every listener hear the reason. */
  cancel(reason?: unknown): void {
    if (this.reason !== undefined) return;
    this.reason = reason ?? new LakegateError('REQUEST_CANCELLED', 'The request was cancelled.');
    this.controller?.abort(this.reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener(this.reason);
  }

  /** Calls `listener` with the reason when cancelled (not if already cancelled); returns an unsubscribe. */
  onCancel(listener: Listener): () => void {
    if (this.reason !== undefined) return NOTHING_TO_UNSUBSCRIBE;
    this.listeners ??= [];
    this.listeners.push(listener);
    return () => {
      const at = this.listeners?.indexOf(listener) ?? -1;
      if (at !== -1) this.listeners!.splice(at, 1);
    };
  }

  /** The same cancellation as an AbortSignal, made on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason !== undefined) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}
