// The one provider spec. It depends on nothing but the canonical model in core/: every provider adapter
// implements it, and nothing outside models/ knows a provider's wire format.

import type {
  ConverseRequest,
  ConverseResponse,
  CountTokensResponse,
  EmbedRequest,
  EmbedResponse,
  RerankRequest,
  RerankResponse,
  StreamEvent,
} from '../core/index.js';

export const PROVIDER_SPEC_VERSION = 1;

/**
 * A cancellation that is cheaper to make and follow than an AbortSignal (in Node 20 creating a signal
 * and listening to it are among the dearest steps of a model call). The router makes one per attempt;
 * the HTTP adapters follow it, and a `signal` is made from it only for code that reads one.
 */
export interface Cancellation {
  /** The reason once cancelled; undefined until then. */
  readonly reason: unknown;
  /** Calls `listener` with the reason when cancelled (not if already cancelled); returns an unsubscribe. */
  onCancel(listener: (reason: unknown) => void): () => void;
}

export interface CallOptions {
  /** Aborts the upstream call (client went away, attempt timed out). */
  signal?: AbortSignal;
  /** The same cancellation as `signal`, when the caller has it: adapters that can, follow this instead. */
  cancellation?: Cancellation;
  /** Our request id, forwarded to providers that accept one, for correlating logs. */
  requestId?: string;
}

/** A native request body for providers that accept one as it is (Bedrock InvokeModel). */
export interface NativeInvokeRequest {
  modelId: string;
  body: Uint8Array;
  contentType: string;
  accept?: string;
}

export interface NativeInvokeResponse {
  body: Uint8Array;
  contentType: string;
}

export interface ModelProvider {
  readonly specVersion: typeof PROVIDER_SPEC_VERSION;
  /** The configured provider name, the prefix in `provider/model` ids. */
  readonly name: string;
  converse(request: ConverseRequest, options?: CallOptions): Promise<ConverseResponse>;
  /**
   * Resolves once the upstream has accepted the call (its status is known), so that an upstream error
   * before the first event rejects here and the router may still fall back. Errors after that are thrown
   * from the iterator as LakegateError.
   */
  converseStream(request: ConverseRequest, options?: CallOptions): Promise<AsyncIterable<StreamEvent>>;
  embed?(request: EmbedRequest, options?: CallOptions): Promise<EmbedResponse>;
  rerank?(request: RerankRequest, options?: CallOptions): Promise<RerankResponse>;
  countTokens?(request: ConverseRequest, options?: CallOptions): Promise<CountTokensResponse>;
  invokeNative?(request: NativeInvokeRequest, options?: CallOptions): Promise<NativeInvokeResponse>;
  /**
   * A native body answered as a stream of native chunks (Bedrock InvokeModelWithResponseStream): each
   * item is one chunk's bytes, as the model produced them. Resolves once the upstream has accepted.
   */
  invokeNativeStream?(
    request: NativeInvokeRequest,
    options?: CallOptions,
  ): Promise<AsyncIterable<Uint8Array>>;
  /** The model ids this provider knows it serves, for `GET /v1/models`; may be empty. */
  listModels?(): readonly string[];
  /** Releases pooled connections. */
  close?(): Promise<void>;
}
