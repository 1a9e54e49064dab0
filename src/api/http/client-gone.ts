// The client's cancellation as the pipeline reports it: a reason and a list of callbacks, and an
// AbortSignal only for code that asks for one. Every model call needs to know when its client leaves,
// and in Node 20 an AbortSignal per request (made, listened to, read) cost more than anything else the
// pipeline itself did.

import type { ClientCancellation } from '../../gateway/index.js';

export class ClientGone implements ClientCancellation {
  cancelReason: unknown = undefined;
  private listeners: Array<(reason: unknown) => void> | undefined = undefined;
  private controller: AbortController | undefined = undefined;

  /** Marks the client gone (once) and tells every listener and the signal, if one was made. */
  cancel(reason: unknown): void {
    if (this.cancelReason !== undefined) return;
    this.cancelReason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener(reason);
    this.controller?.abort(reason);
  }

  onCancel(listener: (reason: unknown) => void): void {
    if (this.cancelReason !== undefined) return;
    this.listeners ??= [];
    this.listeners.push(listener);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.cancelReason !== undefined) this.controller.abort(this.cancelReason);
    }
    return this.controller.signal;
  }
}
