// Prometheus metrics of model traffic, kept in memory from the same records the usage store gets:
// requests by endpoint/model/status, tokens by direction, cost, errors by code, and histograms of
// latency and time to first token. Series live in nested maps keyed by the record's own strings, so
// observing a call allocates nothing once its series exists. Rendered in the text exposition format 0.0.4.

import type { UsageRecord } from './usage-record.js';
import type { UsageStoreStats } from './usage-storage.js';

/** Upper bounds in seconds (an implicit +Inf follows). */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const TTFT_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (seconds <= bounds[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }
}

class Series {
  readonly byStatus = new Map<string, number>();
  readonly errorsByCode = new Map<string, number>();
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cacheWriteTokens = 0;
  costUsd = 0;
  readonly latency = new Histogram(LATENCY_BUCKETS);
  readonly ttft = new Histogram(TTFT_BUCKETS);

  constructor(readonly labels: string) {}
}

/** A label value escaped as the exposition format asks. */
function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class UsageMetrics {
  /** endpoint → provider → served model → series. */
  private readonly series = new Map<string, Map<string, Map<string, Series>>>();

  observe(record: UsageRecord): void {
    const series = this.seriesOf(record.endpoint, record.provider, record.servedModel);
    series.byStatus.set(record.status, (series.byStatus.get(record.status) ?? 0) + 1);
    if (record.status !== 'ok' && record.status !== 'cancelled') {
      series.errorsByCode.set(record.status, (series.errorsByCode.get(record.status) ?? 0) + 1);
    }
    series.inputTokens += record.inputTokens;
    series.outputTokens += record.outputTokens;
    series.cacheReadTokens += record.cacheReadTokens;
    series.cacheWriteTokens += record.cacheWriteTokens;
    if (record.costUsd !== null) series.costUsd += record.costUsd;
    series.latency.observe(record.latencyMs / 1000);
    if (record.ttftMs !== null) series.ttft.observe(record.ttftMs / 1000);
  }

  /**
   * The exposition text. Only endpoints and models that exist label a series (a refused call's
   * requested model id is not used as a label: callers could otherwise grow the label set at will).
   */
  render(store?: UsageStoreStats): string {
    const all: Series[] = [];
    for (const providers of this.series.values())
      for (const models of providers.values()) for (const s of models.values()) all.push(s);
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };

    family('lakegate_model_requests_total', 'counter', 'Model calls, by endpoint, model and status.');
    for (const s of all)
      for (const [status, n] of s.byStatus)
        out.push(`lakegate_model_requests_total{${s.labels},status="${labelValue(status)}"} ${n}`);

    family('lakegate_model_errors_total', 'counter', 'Failed or refused model calls, by error code.');
    for (const s of all)
      for (const [code, n] of s.errorsByCode)
        out.push(`lakegate_model_errors_total{${s.labels},code="${labelValue(code)}"} ${n}`);

    family(
      'lakegate_model_tokens_total',
      'counter',
      'Tokens, by direction (input excludes cache reads and writes).',
    );
    for (const s of all) {
      out.push(`lakegate_model_tokens_total{${s.labels},direction="input"} ${s.inputTokens}`);
      out.push(`lakegate_model_tokens_total{${s.labels},direction="output"} ${s.outputTokens}`);
      out.push(`lakegate_model_tokens_total{${s.labels},direction="cache_read"} ${s.cacheReadTokens}`);
      out.push(`lakegate_model_tokens_total{${s.labels},direction="cache_write"} ${s.cacheWriteTokens}`);
    }

    family('lakegate_model_cost_usd_total', 'counter', 'Cost in US dollars from the price table.');
    for (const s of all) out.push(`lakegate_model_cost_usd_total{${s.labels}} ${s.costUsd}`);

    family('lakegate_model_request_duration_seconds', 'histogram', 'Model call latency, to the last byte.');
    for (const s of all) histogramLines(out, 'lakegate_model_request_duration_seconds', s.labels, s.latency);

    family('lakegate_model_time_to_first_token_seconds', 'histogram', 'Time to the first streamed event.');
    for (const s of all)
      if (s.ttft.count > 0)
        histogramLines(out, 'lakegate_model_time_to_first_token_seconds', s.labels, s.ttft);

    if (store) {
      family('lakegate_usage_records_queued', 'gauge', 'Usage records waiting to be written.');
      out.push(`lakegate_usage_records_queued ${store.queued}`);
      family('lakegate_usage_records_written_total', 'counter', 'Usage records written to the usage store.');
      out.push(`lakegate_usage_records_written_total ${store.written}`);
      family(
        'lakegate_usage_records_dropped_total',
        'counter',
        'Usage records dropped (queue full or store closed).',
      );
      out.push(`lakegate_usage_records_dropped_total ${store.dropped}`);
      family(
        'lakegate_usage_write_failures_total',
        'counter',
        'Failed usage writes (their records are retried).',
      );
      out.push(`lakegate_usage_write_failures_total ${store.failedWrites}`);
    }
    return `${out.join('\n')}\n`;
  }

  private seriesOf(endpoint: string, provider: string, model: string): Series {
    let providers = this.series.get(endpoint);
    if (!providers) {
      providers = new Map();
      this.series.set(endpoint, providers);
    }
    let models = providers.get(provider);
    if (!models) {
      models = new Map();
      providers.set(provider, models);
    }
    let series = models.get(model);
    if (!series) {
      const modelLabel = model === '' ? '' : `${provider}/${model}`;
      series = new Series(`endpoint="${labelValue(endpoint)}",model="${labelValue(modelLabel)}"`);
      models.set(model, series);
    }
    return series;
  }
}

function histogramLines(out: string[], name: string, labels: string, h: Histogram): void {
  let cumulative = 0;
  for (let i = 0; i < h.bounds.length; i++) {
    cumulative += h.counts[i]!;
    out.push(`${name}_bucket{${labels},le="${h.bounds[i]}"} ${cumulative}`);
  }
  out.push(`${name}_bucket{${labels},le="+Inf"} ${h.count}`);
  out.push(`${name}_sum{${labels}} ${h.sum}`);
  out.push(`${name}_count{${labels}} ${h.count}`);
}
