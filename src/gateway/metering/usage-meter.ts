// Meters every model call into exactly one usage record: started before the access check (so a refused
// call is recorded too), finished when the answer is in, when the call fails, or — for a stream — when
// it ends, fails or its client leaves. Finishing prices the record, counts it in the Prometheus metrics
// and queues it in the usage store; nothing here waits for the store.

import type { Actor } from '../../catalog/index.js';
import { type ConverseRequest, toLakegateError, type Usage } from '../../core/index.js';
import type { PriceTable, UsageMetrics, UsageOperation, UsageRecord } from '../../observability/index.js';
import { startedUsageRecord } from '../../observability/index.js';
import { CHARS_PER_TOKEN } from '../limits/estimate-tokens.js';
import type { ModelRef } from '../model-ref.js';
import { clientLeft, type ModelRouter, type RouterCallOptions, type ServedBy } from '../router.js';

/** Where finished records go: the UsageStore (a queue; `record` never waits). */
export interface UsageSink {
  record(record: UsageRecord): void;
}

export interface UsageMeterOptions {
  sink: UsageSink;
  metrics: UsageMetrics;
  prices: PriceTable;
  /** Names the endpoint that governs a call that failed before any model answered. */
  router: Pick<ModelRouter, 'accessName'>;
  /** For a stream cut short before the provider reported its usage. */
  estimateInputTokens?: (input: Omit<ConverseRequest, 'modelId'>) => number;
  now?: () => number;
  /** Told of every finished record after it is queued (the limits settle admitted calls here). */
  onFinished?: (record: UsageRecord) => void;
}

export class UsageMeter {
  readonly metrics: UsageMetrics;
  private readonly now: () => number;

  constructor(private readonly options: UsageMeterOptions) {
    this.metrics = options.metrics;
    this.now = options.now ?? Date.now;
  }

  /** The record of a call that starts now. */
  start(actor: Actor, operation: UsageOperation, modelId: string, requestId: string): UsageRecord {
    return startedUsageRecord(
      this.now(),
      requestId,
      actor.principalId,
      actor.name,
      actor.keyId ?? null,
      operation,
      modelId,
    );
  }

  /** A call answered in one piece; `usage` as the provider reported it (none for native bodies it cannot read). */
  succeeded(
    record: UsageRecord,
    servedBy: ServedBy,
    ref: ModelRef | undefined,
    usage: Usage | undefined,
  ): void {
    if (usage) addUsage(record, usage);
    this.finish(record, 'ok', ref, servedBy.endpoint ?? ref?.provider);
  }

  /** A call refused or failed; the status is the error's code, or `cancelled` when the client left. */
  failed(record: UsageRecord, error: unknown, ref: ModelRef | undefined, options: RouterCallOptions): void {
    this.finish(record, usageStatusOf(error, options), ref, undefined);
  }

  /** Ends a stream's record: its usage is already on the record, or is estimated from what was streamed. */
  streamEnded(
    record: UsageRecord,
    status: string,
    ref: ModelRef | undefined,
    servedBy: ServedBy,
    streamedChars: number,
    sawUsage: boolean,
    input: Omit<ConverseRequest, 'modelId'> | undefined,
  ): void {
    if (!sawUsage) {
      // Cut short (or a provider that reports no usage): what the client received, estimated.
      record.outputTokens = Math.ceil(streamedChars / CHARS_PER_TOKEN);
      if (input && this.options.estimateInputTokens)
        record.inputTokens = this.options.estimateInputTokens(input);
    }
    this.finish(record, status, ref, servedBy.endpoint ?? ref?.provider);
  }

  private finish(
    record: UsageRecord,
    status: string,
    ref: ModelRef | undefined,
    endpoint: string | undefined,
  ): void {
    record.latencyMs = this.now() - record.time;
    record.status = status;
    if (ref) {
      record.provider = ref.provider;
      record.servedModel = ref.model;
      record.costUsd = this.options.prices.costOf(ref.provider, ref.model, record);
    } else {
      record.costUsd = 0;
    }
    record.endpoint = endpoint ?? this.governingName(record.requestedModel, ref);
    this.options.metrics.observe(record);
    this.options.sink.record(record);
    this.options.onFinished?.(record);
  }

  /** The endpoint named, or for a direct call its provider: the securable QUERY was checked on. */
  private governingName(modelId: string, ref: ModelRef | undefined): string {
    try {
      return this.options.router.accessName(modelId);
    } catch {
      return ref?.provider ?? '';
    }
  }
}

export function addUsage(record: UsageRecord, usage: Usage): void {
  record.inputTokens = usage.inputTokens;
  record.outputTokens = usage.outputTokens;
  record.cacheReadTokens = usage.cacheReadInputTokens ?? 0;
  record.cacheWriteTokens = usage.cacheWriteInputTokens ?? 0;
}

/** `cancelled` when the client left (whatever the error says then), else the error's code. */
export function usageStatusOf(error: unknown, options: RouterCallOptions): string {
  if (clientLeft(options)) return 'cancelled';
  const code = toLakegateError(error).code;
  return code === 'REQUEST_CANCELLED' ? 'cancelled' : code;
}
