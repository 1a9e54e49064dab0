// Resolves a model id to a plan (which provider models to try, in what order, under which retry and
// timeout policy) and runs it: weighted traffic split between served models, retries with backoff on
// the same model, then the fallback chain. For streams, a fallback is only possible until the first
// event has arrived, because after that the client has already received bytes.

import {
  type ConverseRequest,
  type ConverseResponse,
  type CountTokensResponse,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT,
  type EmbedRequest,
  type EmbedResponse,
  type EndpointConfig,
  LakegateError,
  type RerankRequest,
  type RerankResponse,
  type RetryPolicy,
  type StreamEvent,
  type TimeoutPolicy,
  toLakegateError,
  withProperty,
} from '../core/index.js';
import type {
  CallOptions,
  ModelProvider,
  NativeInvokeRequest,
  NativeInvokeResponse,
} from '../models/index.js';
import { AttemptCancellation } from './attempt-cancellation.js';
import { backoffDelayMs, sleep } from './backoff.js';
import { formatModelRef, type ModelRef, parseModelRef } from './model-ref.js';
import { pickByTraffic } from './traffic.js';

export type ConverseInput = Omit<ConverseRequest, 'modelId'>;

/**
 * The client's cancellation, for a caller that can report it without an AbortSignal (the HTTP
 * pipeline). In Node 20 making an AbortSignal and listening to one is among the dearest steps of a
 * model call; the router needs one per attempt for the provider, but not one more to follow the client.
 */
export interface ClientCancellation {
  /** The reason once the client has gone; undefined while it is there. */
  readonly reason: unknown;
  /** Calls `listener` with the reason when the client goes (not if it has gone already). */
  onCancel(listener: (reason: unknown) => void): unknown;
  /** The same as an AbortSignal, for the rare waits that need one (backoff between retries). */
  readonly signal: AbortSignal;
}

export interface RouterCallOptions extends CallOptions {
  /** Followed instead of `signal` when given. */
  client?: ClientCancellation;
  /** Told the model of every attempt as it is made, so a caller can meter which model a failed call reached. */
  attempted?: AttemptedModel;
}

/** Where the router writes the model it is trying (no callback: this runs on every attempt). */
export interface AttemptedModel {
  ref: ModelRef | undefined;
}
export type EmbedInput = Omit<EmbedRequest, 'modelId'>;

/** Which model actually answered, reported back to the client. */
export interface ServedBy {
  /** The endpoint the caller named, when it named one. */
  endpoint?: string;
  /** `provider/model` that produced the response. */
  model: string;
  /** Attempts made in all, including retries and fallbacks. */
  attempts: number;
}

export interface RoutePlan {
  endpoint?: string;
  candidates: ModelRef[];
  retry: RetryPolicy;
  timeout: TimeoutPolicy;
}

export interface RouterOptions {
  providers: ReadonlyMap<string, ModelProvider>;
  endpoints: ReadonlyMap<string, EndpointConfig>;
  defaultProvider?: string;
  retry?: RetryPolicy;
  timeout?: TimeoutPolicy;
  random?: () => number;
}

export class ModelRouter {
  private readonly providers: ReadonlyMap<string, ModelProvider>;
  private readonly endpoints: ReadonlyMap<string, EndpointConfig>;
  private readonly defaultProvider: string | undefined;
  private readonly retry: RetryPolicy;
  private readonly timeout: TimeoutPolicy;
  private readonly random: () => number;

  constructor(options: RouterOptions) {
    this.providers = options.providers;
    this.endpoints = options.endpoints;
    this.defaultProvider = options.defaultProvider;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT;
    this.random = options.random ?? Math.random;
  }

  /** Endpoint names, then `provider/model` for every model a provider says it serves. */
  listModels(): Array<{ id: string; kind: 'endpoint' | 'model'; task?: string }> {
    const out: Array<{ id: string; kind: 'endpoint' | 'model'; task?: string }> = [];
    for (const [name, endpoint] of this.endpoints)
      out.push({ id: name, kind: 'endpoint', task: endpoint.task });
    for (const [name, provider] of this.providers) {
      for (const model of provider.listModels?.() ?? []) out.push({ id: `${name}/${model}`, kind: 'model' });
    }
    return out;
  }

  plan(modelId: string): RoutePlan {
    const endpoint = this.endpoints.get(modelId);
    if (endpoint) {
      const primary = pickByTraffic(endpoint.served, this.random);
      const candidates = [primary.model, ...endpoint.fallbacks].map((id) => this.refFor(id));
      return { endpoint: modelId, candidates, retry: endpoint.retry, timeout: endpoint.timeout };
    }
    const ref = parseModelRef(modelId);
    if (ref && this.providers.has(ref.provider)) {
      return { candidates: [ref], retry: this.retry, timeout: this.timeout };
    }
    if (this.defaultProvider && this.providers.has(this.defaultProvider)) {
      return {
        candidates: [{ provider: this.defaultProvider, model: modelId }],
        retry: this.retry,
        timeout: this.timeout,
      };
    }
    throw new LakegateError('MODEL_NOT_FOUND', `No endpoint or provider serves the model "${modelId}".`, {
      details: { modelId },
    });
  }

  /**
   * The name of the serving-endpoint securable that governs calls to a model id: the endpoint itself, or
   * for a direct `provider/model` call the provider (so QUERY on `local` opens every local model).
   */
  accessName(modelId: string): string {
    if (this.endpoints.has(modelId)) return modelId;
    const ref = parseModelRef(modelId);
    if (ref && this.providers.has(ref.provider)) return ref.provider;
    if (this.defaultProvider && this.providers.has(this.defaultProvider)) return this.defaultProvider;
    throw new LakegateError('MODEL_NOT_FOUND', `No endpoint or provider serves the model "${modelId}".`, {
      details: { modelId },
    });
  }

  private refFor(id: string): ModelRef {
    const ref = parseModelRef(id);
    if (!ref) throw new LakegateError('CONFIG_INVALID', `"${id}" is not of the form provider/model.`);
    return ref;
  }

  private provider(ref: ModelRef): ModelProvider {
    const provider = this.providers.get(ref.provider);
    if (!provider) {
      throw new LakegateError('MODEL_NOT_FOUND', `No provider named "${ref.provider}" is configured.`, {
        details: { provider: ref.provider },
      });
    }
    return provider;
  }

  // The calls that are one `run` are not async: run's promise is handed on as it is, where an async
  // method would wrap it in another (and more microtask turns) on every model call.
  converse(
    modelId: string,
    input: ConverseInput,
    options: RouterCallOptions = {},
  ): Promise<{ response: ConverseResponse; servedBy: ServedBy }> {
    return this.run(modelId, options, (provider, ref, call) =>
      provider.converse(withModelId(input, ref.model), call),
    );
  }

  async converseStream(
    modelId: string,
    input: ConverseInput,
    options: RouterCallOptions = {},
  ): Promise<{ stream: AsyncIterable<StreamEvent>; servedBy: ServedBy }> {
    const { response, servedBy } = await this.run(modelId, options, async (provider, ref, call) => {
      const stream = await provider.converseStream(withModelId(input, ref.model), call);
      return startedStream(stream);
    });
    return { stream: response, servedBy };
  }

  embed(
    modelId: string,
    input: EmbedInput,
    options: RouterCallOptions = {},
  ): Promise<{ response: EmbedResponse; servedBy: ServedBy }> {
    return this.run(modelId, options, (provider, ref, call) => {
      if (!provider.embed) throw unsupported(ref, 'embeddings');
      return provider.embed(withModelId(input, ref.model), call);
    });
  }

  rerank(
    modelId: string,
    input: Omit<RerankRequest, 'modelId'>,
    options: RouterCallOptions = {},
  ): Promise<{ response: RerankResponse; servedBy: ServedBy }> {
    return this.run(modelId, options, (provider, ref, call) => {
      if (!provider.rerank) throw unsupported(ref, 'reranking');
      return provider.rerank(withModelId(input, ref.model), call);
    });
  }

  countTokens(
    modelId: string,
    input: ConverseInput,
    options: RouterCallOptions = {},
  ): Promise<{ response: CountTokensResponse; servedBy: ServedBy }> {
    return this.run(modelId, options, (provider, ref, call) => {
      if (!provider.countTokens) throw unsupported(ref, 'token counting');
      return provider.countTokens(withModelId(input, ref.model), call);
    });
  }

  invokeNative(
    modelId: string,
    request: Omit<NativeInvokeRequest, 'modelId'>,
    options: RouterCallOptions = {},
  ): Promise<{ response: NativeInvokeResponse; servedBy: ServedBy }> {
    return this.run(modelId, options, (provider, ref, call) => {
      if (!provider.invokeNative) throw unsupported(ref, 'native request bodies');
      return provider.invokeNative(withModelId(request, ref.model), call);
    });
  }

  async invokeNativeStream(
    modelId: string,
    request: Omit<NativeInvokeRequest, 'modelId'>,
    options: RouterCallOptions = {},
  ): Promise<{ stream: AsyncIterable<Uint8Array>; servedBy: ServedBy }> {
    const { response, servedBy } = await this.run(modelId, options, async (provider, ref, call) => {
      if (!provider.invokeNativeStream) throw unsupported(ref, 'streamed native request bodies');
      return startedStream(await provider.invokeNativeStream(withModelId(request, ref.model), call));
    });
    return { stream: response, servedBy };
  }

  private async run<T>(
    modelId: string,
    options: RouterCallOptions,
    attempt: (provider: ModelProvider, ref: ModelRef, call: CallOptions) => Promise<T>,
  ): Promise<{ response: T; servedBy: ServedBy }> {
    const plan = this.plan(modelId);
    // The total timeout bounds getting an answer started: it is a deadline every attempt's timer is cut
    // to, not a timer of its own. Once an attempt succeeds (for a stream: once its first event is in) no
    // timer applies any more, so a long generation is not cut off mid-stream.
    const deadline = Date.now() + plan.timeout.totalMs;
    let attempts = 0;
    let lastError: LakegateError | undefined;
    for (const ref of plan.candidates) {
      const provider = this.provider(ref);
      for (let retry = 0; retry <= plan.retry.attempts; retry++) {
        if (retry > 0 && lastError) {
          const delay = backoffDelayMs(plan.retry, retry - 1, lastError.retryAfterMs, this.random);
          // Waiting past the deadline helps nobody: move on to the next candidate instead.
          if (Date.now() + delay >= deadline) break;
          await sleep(delay, options.client?.signal ?? options.signal).catch(() => undefined);
        }
        if (clientLeft(options)) throw cancelled(options);
        const remainingMs = deadline - Date.now();
        if (remainingMs <= 0) throw lastError ?? timeoutError(plan.timeout.totalMs, 'total');
        const cutToDeadline = remainingMs <= plan.timeout.attemptMs;
        attempts++;
        if (options.attempted) options.attempted.ref = ref;
        const attemptTimer = new AttemptCancellation(
          cutToDeadline ? remainingMs : plan.timeout.attemptMs,
          options,
        );
        try {
          const response = await attempt(provider, ref, attemptTimer.callOptions(options.requestId));
          const servedBy: ServedBy = { model: formatModelRef(ref), attempts };
          if (plan.endpoint) servedBy.endpoint = plan.endpoint;
          return { response, servedBy };
        } catch (thrown) {
          if (clientLeft(options)) throw cancelled(options);
          if (attemptTimer.expired) {
            // Cut by the total deadline: nothing is left to retry or fall back to, and the provider's
            // view of the abort ("could not reach") would misreport it.
            if (cutToDeadline) throw timeoutError(plan.timeout.totalMs, 'total', thrown);
            lastError = timeoutError(plan.timeout.attemptMs, 'attempt', thrown);
          } else {
            lastError = toLakegateError(thrown);
            if (!lastError.retryable) throw lastError;
          }
        } finally {
          attemptTimer.stop();
        }
      }
    }
    throw lastError ?? timeoutError(plan.timeout.totalMs, 'total');
  }
}

function unsupported(ref: ModelRef, what: string): LakegateError {
  return new LakegateError('UNSUPPORTED_OPERATION', `${formatModelRef(ref)} does not support ${what}.`, {
    details: { model: formatModelRef(ref) },
  });
}

/** Whether the client has gone, followed through `client` when given, else through `signal`. */
export function clientLeft(options: RouterCallOptions): boolean {
  return options.client ? options.client.reason !== undefined : options.signal?.aborted === true;
}

function cancelled(options: RouterCallOptions): LakegateError {
  return new LakegateError('REQUEST_CANCELLED', 'The request was cancelled by the client.', {
    cause: options.client ? options.client.reason : options.signal?.reason,
  });
}

function timeoutError(ms: number, which: 'attempt' | 'total', cause?: unknown): LakegateError {
  return new LakegateError(
    'MODEL_UPSTREAM_TIMEOUT',
    `The model did not answer within the ${which} timeout of ${ms} ms.`,
    {
      retryable: true,
      cause,
      details: { timeoutMs: ms, timeout: which },
    },
  );
}

/** The provider's request: the caller's input with the model this attempt calls (a stray `modelId` never wins). */
function withModelId<T extends object>(input: T, modelId: string): T & { modelId: string } {
  return withProperty(input, 'modelId', modelId);
}

/**
 * Pulls the first event before the stream is handed to the client, so that a failure before any byte
 * is sent is still a failure of this attempt (and may fall back), then replays it.
 */
async function startedStream<T>(stream: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    [Symbol.asyncIterator]() {
      let replayed = false;
      return {
        // Not async: the source's own promise is handed on as it is, where an async function would wrap
        // it in another one (and three more microtask turns) for every event of the stream.
        next: () => {
          if (!replayed) {
            replayed = true;
            return Promise.resolve(first);
          }
          return iterator.next();
        },
        return: async (value?: unknown) => {
          await iterator.return?.(value);
          return { done: true, value: undefined };
        },
      };
    },
  };
}
