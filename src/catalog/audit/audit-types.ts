// The audit log's vocabulary: what callers record, what is stored, what verification and queries return.

export type AuditDecision = 'allow' | 'deny' | 'none';

/** One authorisation decision or change, as a caller records it. */
export interface AuditEvent {
  principalId: string | null;
  action: string;
  securableType?: string;
  securableName?: string;
  /** Redacted before it is queued: secrets never reach the database. */
  params?: Record<string, unknown>;
  decision: AuditDecision;
  requestId?: string;
  /** ISO time; stamped when recorded if absent. */
  at?: string;
}

/** One stored record, as queries return it. */
export interface AuditRecord {
  seq: number;
  at: string;
  principalId: string | null;
  action: string;
  securableType: string | null;
  securableName: string | null;
  params: Record<string, unknown>;
  decision: AuditDecision;
  requestId: string | null;
  hash: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  /** Records checked (all of them when ok; those before the first problem otherwise). */
  records: number;
  firstBadSeq?: number;
  problem?: string;
}

export interface AuditQuery {
  since?: string;
  until?: string;
  principalId?: string;
  action?: string;
  securableName?: string;
  decision?: AuditDecision;
  /** 1..1000, default 100. */
  limit?: number;
  /** From a previous page's nextCursor. */
  cursor?: string;
}

export interface AuditPage {
  records: AuditRecord[];
  /** Present when older records may follow. */
  nextCursor?: string;
}

export interface AuditStats {
  /** Waiting to be written, including a batch being written now. */
  queued: number;
  written: number;
  /** Never written: the queue was full or the log was closed. */
  dropped: number;
  lastError: string | null;
}
