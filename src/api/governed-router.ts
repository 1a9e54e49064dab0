// The model router as a request may use it: every call first asks whether the caller may QUERY what
// governs the model id (and audits the answer), and carries the request's cancellation and id. Every
// call, refused, failed or answered, is metered into exactly one usage record when a meter is wired.
// A class rather than an object of closures: one is made per request, and its methods are shared.

import type { Actor } from '../catalog/index.js';
import { LakegateError, type RerankRequest, type StreamEvent } from '../core/index.js';
import {
  type AttemptedModel,
  answerOfHit,
  type CachedAnswer,
  type ClientCancellation,
  type ConverseInput,
  cachedAnswerOf,
  converseCacheKey,
  type EmbedInput,
  estimateEmbedTokens,
  estimateNativeTokens,
  estimateTokens,
  isCacheable,
  type LoggedResponse,
  LoggedStream,
  MeteredStream,
  type ModelRef,
  type RouterCallOptions,
  type ServedBy,
  type UsageMeter,
  usageOfNativeBody,
} from '../gateway/index.js';
import type { NativeInvokeRequest } from '../models/index.js';
import type { UsageOperation, UsageRecord } from '../observability/index.js';
import type { ApiServices } from './services.js';

/**
 * What a model call needs of the request it serves: who, which request, its cancellation, and where to
 * say whether the cache answered. An HTTP RequestContext is one; retrieval's calls (an index sync, a
 * RetrieveAndGenerate) make their own.
 */
export interface ModelCallContext {
  principal?: Actor;
  requestId: string;
  signal: AbortSignal;
  cancellation?: ClientCancellation;
  res?: { setHeader(name: string, value: string): unknown };
}

/** Says on every answer of a caching endpoint whether it came from the response cache. */
export const CACHE_HEADER = 'x-lakegate-cache';
const NO_TOKENS = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
const noTokens = () => 0;

class GovernedRouter implements AttemptedModel {
  private readonly options: RouterCallOptions;
  private readonly meter: UsageMeter | undefined;
  /** The model the router is trying for the current call (the router writes it: see AttemptedModel). */
  ref: ModelRef | undefined = undefined;

  constructor(
    private readonly services: ApiServices,
    private readonly ctx: ModelCallContext,
  ) {
    this.meter = services.usage;
    // The pipeline's cancellation when there is one: following it needs no AbortSignal.
    this.options = ctx.cancellation
      ? { client: ctx.cancellation, requestId: ctx.requestId, attempted: this }
      : { signal: ctx.signal, requestId: ctx.requestId, attempted: this };
  }

  private actor(): Actor {
    const actor = this.ctx.principal;
    // Routes are authenticated before they run; a missing actor here is a wiring bug, not a caller's.
    if (!actor) throw new LakegateError('INTERNAL', 'A model call reached the router without a principal.');
    return actor;
  }

  /** Starts the call's usage record (before the access check, so that a refusal is recorded too). */
  private begin(actor: Actor, operation: UsageOperation, modelId: string): UsageRecord | undefined {
    this.ref = undefined;
    return this.meter?.start(actor, operation, modelId, this.ctx.requestId);
  }

  private check(actor: Actor, modelId: string, operation: string): Promise<void> {
    return this.services.access.check(actor, modelId, operation, this.ctx.requestId);
  }

  /**
   * Admits the call under the configured limits (after the access check: a caller who may not call the
   * model takes nothing from anyone's limits), reserving `estimatedTokens`. The admission is settled
   * with the real usage when the meter finishes the record; throws RATE_LIMITED or BUDGET_EXCEEDED.
   */
  private async admit(
    actor: Actor,
    modelId: string,
    record: UsageRecord | undefined,
    estimatedTokens: () => number,
  ): Promise<void> {
    const limits = this.services.limits;
    if (!limits?.engine.enabled) return;
    const { engine } = limits;
    const groups = engine.needsGroups ? await limits.groupNamesOf(actor.principalId) : [];
    const admission = await engine.admit({
      actor,
      groups,
      keyId: actor.keyId,
      endpoint: this.services.router.accessName(modelId),
      estimatedTokens: estimatedTokens(),
    });
    if (record) limits.admitted.hold(record, admission);
    // Without a meter nothing would settle it: hand back what it reserved at once.
    else void admission.release();
  }

  private failed(record: UsageRecord | undefined, error: unknown): void {
    if (record) this.meter?.failed(record, error, this.ref, this.options);
  }

  /** A stream that finishes its own record when it ends, fails or is abandoned. */
  private metered<T extends StreamEvent | Uint8Array>(
    meter: UsageMeter,
    record: UsageRecord,
    result: { stream: AsyncIterable<T>; servedBy: ServedBy },
    input: ConverseInput | undefined,
  ): MeteredStream<T> {
    return new MeteredStream(meter, record, result.stream, result.servedBy, this.ref, this.options, input);
  }

  /** Whether this call's payloads go to the endpoint's inference table (sampled once, at the start). */
  private logsPayloads(modelId: string): boolean {
    return this.services.payloadLog?.sampled(modelId) === true;
  }

  /** Queues a finished call's payloads for the inference table (masked, if need be, when written). */
  private logPayloads(
    record: UsageRecord | undefined,
    request: ConverseInput,
    response: LoggedResponse,
  ): void {
    if (record) this.services.payloadLog?.add({ record, request, response });
  }

  /**
   * A response-cache hit: authorised and admitted like any call (it counts as a call against rate
   * limits, with no tokens), metered as usage with no upstream tokens, no cost and `cacheHit`.
   */
  private answerFromCache(record: UsageRecord | undefined, cached: CachedAnswer) {
    const answer = answerOfHit(cached);
    this.ref = cached.ref;
    this.ctx.res?.setHeader(CACHE_HEADER, 'hit');
    if (record) {
      record.cacheHit = true;
      this.meter?.succeeded(record, answer.servedBy, cached.ref, NO_TOKENS);
    }
    return answer;
  }

  async converse(modelId: string, input: ConverseInput) {
    const actor = this.actor();
    const record = this.begin(actor, 'converse', modelId);
    const logged = this.logsPayloads(modelId);
    let admitted = false;
    try {
      await this.check(actor, modelId, 'converse');
      // Keyed before the call: an endpoint guardrail masks the input in place while the call runs.
      const cache = this.services.responseCache?.forModel(modelId);
      const key = cache ? converseCacheKey(actor.principalId, modelId, input) : undefined;
      const cached = key ? cache?.get(key) : undefined;
      await this.admit(actor, modelId, record, cached ? noTokens : () => estimateTokens(input));
      admitted = true;
      if (cached) {
        const answer = this.answerFromCache(record, cached);
        if (logged) this.logPayloads(record, input, { kind: 'converse', response: answer.response });
        return answer;
      }
      if (cache) this.ctx.res?.setHeader(CACHE_HEADER, 'miss');
      const result = await this.services.router.converse(modelId, input, this.options);
      if (key && isCacheable(result.response)) {
        // The cache's own copy: the surfaces may change the response they were given.
        cache?.set(key, cachedAnswerOf(result.response, result.servedBy, this.ref));
      }
      if (record) this.meter?.succeeded(record, result.servedBy, this.ref, result.response.usage);
      if (logged) this.logPayloads(record, input, { kind: 'converse', response: result.response });
      return result;
    } catch (error) {
      this.failed(record, error);
      // Refused calls (access, limits) are not the endpoint's traffic: only admitted ones are logged.
      if (logged && admitted && record)
        this.logPayloads(record, input, { kind: 'error', code: record.status });
      throw error;
    }
  }

  async converseStream(modelId: string, input: ConverseInput) {
    const actor = this.actor();
    const record = this.begin(actor, 'converseStream', modelId);
    const logged = this.logsPayloads(modelId);
    let admitted = false;
    try {
      await this.check(actor, modelId, 'converseStream');
      await this.admit(actor, modelId, record, () => estimateTokens(input));
      admitted = true;
      const result = await this.services.router.converseStream(modelId, input, this.options);
      if (!record || !this.meter) return result;
      const metered = this.metered(this.meter, record, result, input);
      if (!logged) return { stream: metered, servedBy: result.servedBy };
      // Outside the metering: by the time it logs, the record is finished.
      const stream = new LoggedStream(metered, (response) => this.logPayloads(record, input, response));
      return { stream, servedBy: result.servedBy };
    } catch (error) {
      this.failed(record, error);
      if (logged && admitted && record)
        this.logPayloads(record, input, { kind: 'error', code: record.status });
      throw error;
    }
  }

  async embed(modelId: string, input: EmbedInput) {
    const actor = this.actor();
    const record = this.begin(actor, 'embed', modelId);
    try {
      await this.check(actor, modelId, 'embed');
      await this.admit(actor, modelId, record, () => estimateEmbedTokens(input.inputs));
      const result = await this.services.router.embed(modelId, input, this.options);
      this.succeededOnInput(record, result);
      return result;
    } catch (error) {
      this.failed(record, error);
      throw error;
    }
  }

  /** Meters a call whose only tokens are its input (embeddings, reranking). */
  private succeededOnInput(
    record: UsageRecord | undefined,
    result: { response: { usage: { inputTokens: number } }; servedBy: ServedBy },
  ): void {
    if (!record) return;
    const inputTokens = result.response.usage.inputTokens;
    this.meter?.succeeded(record, result.servedBy, this.ref, {
      inputTokens,
      outputTokens: 0,
      totalTokens: inputTokens,
    });
  }

  /** A reranking call: the query and documents are its input tokens, there is no output. */
  async rerank(modelId: string, input: Omit<RerankRequest, 'modelId'>) {
    const actor = this.actor();
    const record = this.begin(actor, 'rerank', modelId);
    try {
      await this.check(actor, modelId, 'rerank');
      await this.admit(actor, modelId, record, () =>
        estimateEmbedTokens([...input.documents.map(() => input.query), ...input.documents]),
      );
      const result = await this.services.router.rerank(modelId, input, this.options);
      this.succeededOnInput(record, result);
      return result;
    } catch (error) {
      this.failed(record, error);
      throw error;
    }
  }

  /** Metered as a call with no tokens: counting is not billed, but it is a call on the model's endpoint. */
  async countTokens(modelId: string, input: ConverseInput) {
    const actor = this.actor();
    const record = this.begin(actor, 'countTokens', modelId);
    try {
      await this.check(actor, modelId, 'countTokens');
      const result = await this.services.router.countTokens(modelId, input, this.options);
      if (record) this.meter?.succeeded(record, result.servedBy, this.ref, undefined);
      return result;
    } catch (error) {
      this.failed(record, error);
      throw error;
    }
  }

  async invokeNative(modelId: string, request: Omit<NativeInvokeRequest, 'modelId'>) {
    const actor = this.actor();
    const record = this.begin(actor, 'invoke', modelId);
    try {
      await this.check(actor, modelId, 'invoke');
      await this.admit(actor, modelId, record, () => estimateNativeTokens(request.body));
      const result = await this.services.router.invokeNative(modelId, request, this.options);
      if (record && this.meter) {
        const { body, contentType } = result.response;
        this.meter.succeeded(record, result.servedBy, this.ref, usageOfNativeBody(body, contentType));
      }
      return result;
    } catch (error) {
      this.failed(record, error);
      throw error;
    }
  }

  async invokeNativeStream(modelId: string, request: Omit<NativeInvokeRequest, 'modelId'>) {
    const actor = this.actor();
    const record = this.begin(actor, 'invokeStream', modelId);
    try {
      await this.check(actor, modelId, 'invokeStream');
      await this.admit(actor, modelId, record, () => estimateNativeTokens(request.body));
      const result = await this.services.router.invokeNativeStream(modelId, request, this.options);
      if (!record || !this.meter) return result;
      return { stream: this.metered(this.meter, record, result, undefined), servedBy: result.servedBy };
    } catch (error) {
      this.failed(record, error);
      throw error;
    }
  }

  /**
   * Throws the refusal the call itself would get (audited) unless the caller may call this model. For
   * work done before the call, such as a guardrail's input check, that must not answer a caller the
   * call would refuse. An allowed caller is audited by the call that follows, not here.
   */
  async requireCallable(modelId: string, operation: UsageOperation): Promise<void> {
    const actor = this.actor();
    if (await this.services.access.canQuery(actor, modelId)) return;
    await this.check(actor, modelId, operation);
  }

  /** The endpoints and models the caller may QUERY. */
  async listModels() {
    const actor = this.ctx.principal;
    if (!actor) return [];
    const { router, access } = this.services;
    const all = router.listModels();
    const allowed = await Promise.all(all.map((m) => access.canQuery(actor, m.id)));
    return all.filter((_, i) => allowed[i]);
  }
}

export function governedRouter(services: ApiServices, ctx: ModelCallContext): GovernedRouter {
  return new GovernedRouter(services, ctx);
}
