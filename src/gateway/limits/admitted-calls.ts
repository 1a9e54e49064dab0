// The admissions of calls in flight, found again by their usage record when the meter finishes it: the
// record is where the call's real tokens and cost end up (for a stream, only when it ends, fails or its
// client leaves), so settling there charges the limits and budgets exactly what the usage shows.

import type { UsageRecord } from '../../observability/index.js';
import type { Admission } from './admission.js';

export class AdmittedCalls {
  /** Weak: a record that is never finished (a bug elsewhere) must not keep its admission alive. */
  private readonly byRecord = new WeakMap<UsageRecord, Admission>();

  hold(record: UsageRecord, admission: Admission): void {
    this.byRecord.set(record, admission);
  }

  /** Called once per finished record: settles what the call used, or releases a call that used nothing. */
  finished(record: UsageRecord): void {
    const admission = this.byRecord.get(record);
    if (!admission) return;
    this.byRecord.delete(record);
    const tokens = record.inputTokens + record.outputTokens;
    if (record.status !== 'ok' && tokens === 0) void admission.release();
    else void admission.settle(tokens, record.costUsd ?? 0);
  }
}
