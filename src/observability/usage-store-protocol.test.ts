// Records cross to the usage-store process as arrays of their fields' values: every field must come
// back, with its own value, through the channel's JSON.

import { describe, expect, it } from 'vitest';
import type { UsageRecord } from './usage-record.js';
import { usageRecordOfRow, usageRecordRow } from './usage-store-protocol.js';

describe('usage record rows', () => {
  it('carry every field through JSON, each in its own place', () => {
    // A distinct value in every field, so that two swapped fields cannot pass.
    const record: UsageRecord = {
      time: 1_764_201_600_123,
      requestId: 'req-1',
      principalId: 'principal-1',
      principalName: 'ana',
      keyId: 'lgKEY',
      operation: 'converseStream',
      endpoint: 'chat',
      requestedModel: 'chat-requested',
      servedModel: 'gpt-served',
      provider: 'openai',
      inputTokens: 11,
      outputTokens: 12,
      cacheReadTokens: 13,
      cacheWriteTokens: 14,
      latencyMs: 15.5,
      ttftMs: 16.25,
      status: 'MODEL_THROTTLED',
      costUsd: 0.000017,
      cacheHit: true,
    };
    const row = usageRecordRow(record);
    expect(row).toHaveLength(Object.keys(record).length);
    expect(usageRecordOfRow(JSON.parse(JSON.stringify(row)))).toEqual(record);
    const nulls: UsageRecord = { ...record, keyId: null, ttftMs: null, costUsd: null, cacheHit: false };
    expect(usageRecordOfRow(JSON.parse(JSON.stringify(usageRecordRow(nulls))))).toEqual(nulls);
  });
});
