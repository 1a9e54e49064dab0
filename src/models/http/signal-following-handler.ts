// What the buffered and the streamed upstream handlers share: following the call's cancellation (abort
// the request when it fires, before or after undici hands over its controller), letting go of it once
// the call is over, and dispatching the request with a handler made for it.

import type { Dispatcher } from 'undici';
import type { Cancellation } from '../spec.js';
import { undiciErrors } from './undici-parts.js';
import { UpstreamAgent } from './upstream-agent.js';
import { connectionError, type UpstreamRequest, upstreamTarget } from './upstream-http.js';

export abstract class SignalFollowingHandler implements Dispatcher.DispatchHandler {
  protected controller: Dispatcher.DispatchController | undefined;
  private onAbort: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private signal: AbortSignal | undefined;
  private cancellation: Cancellation | undefined;

  constructor(request: Pick<UpstreamRequest, 'signal' | 'cancellation'>) {
    const { cancellation, signal } = request;
    if (cancellation) {
      this.cancellation = cancellation;
      if (cancellation.reason === undefined) {
        this.unsubscribe = cancellation.onCancel(() => this.controller?.abort(this.abortReason()));
      }
    } else if (signal && !signal.aborted) {
      this.signal = signal;
      this.onAbort = () => this.controller?.abort(this.abortReason());
      signal.addEventListener('abort', this.onAbort, { once: true });
    } else {
      this.signal = signal;
    }
  }

  /** What undici's request() aborts with: the signal's reason (in practice always an Error). */
  private abortReason(): Error {
    const reason = this.cancellation ? this.cancellation.reason : this.signal?.reason;
    return (reason as Error | undefined) ?? new undiciErrors.RequestAbortedError();
  }

  private get aborted(): boolean {
    return this.cancellation ? this.cancellation.reason !== undefined : this.signal?.aborted === true;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.aborted) controller.abort(this.abortReason());
  }

  /**
   * Stops following the signal and drops the controller. undici keeps a finished handler reachable
   * for a while; what it still held then was promoted to the old generation with it (measured: about
   * a megabyte per scavenge under load), so subclasses drop their own data here too.
   */
  protected stopFollowingSignal(): void {
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
    this.unsubscribe?.();
    this.onAbort = undefined;
    this.unsubscribe = undefined;
    this.signal = undefined;
    this.cancellation = undefined;
    this.controller = undefined;
  }
}

/**
 * Dispatches the request with the handler `handlerFor` makes from the promise's callbacks; rejects
 * with a LakegateError when the provider cannot be reached.
 */
export async function dispatchUpstream<T>(
  agent: Dispatcher,
  provider: string,
  request: UpstreamRequest,
  handlerFor: (resolve: (value: T) => void, reject: (error: unknown) => void) => Dispatcher.DispatchHandler,
): Promise<T> {
  try {
    const { origin, path } = upstreamTarget(request.url);
    return await new Promise<T>((resolve, reject) => {
      const options = {
        origin,
        path,
        method: request.method ?? 'POST',
        headers: request.headers,
        body: request.body ?? null,
      };
      const handler = handlerFor(resolve, reject);
      if (agent instanceof UpstreamAgent) agent.send(options, handler);
      else agent.dispatch(options, handler);
    });
  } catch (error) {
    throw connectionError(provider, error);
  }
}
