// The shared limit store: Redis, one Lua script per operation (redis-scripts.ts), so that every replica
// sees and charges the same counters atomically. Commands are never queued while Redis is away
// (`disableOfflineQueue`) and each round trip has a deadline: a limits check must answer fast, either
// way, and the engine turns a failure into its configured fail mode.

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as RedisModule from 'redis';
import {
  type LimitBackend,
  MAX_DEBT_PERIODS,
  type ReserveRequest,
  type ReserveResult,
  type SettleRequest,
  type SettleResult,
} from './backend.js';
import { RENEW_SCRIPT, RESERVE_SCRIPT, SETTLE_SCRIPT } from './redis-scripts.js';

export interface RedisLimitBackendOptions {
  url: string;
  /** Deadline of one round trip, in ms. */
  timeoutMs?: number;
  /** Pass the time to the scripts instead of using the server's TIME (tests with a fake clock). */
  clock?: () => number;
}

/**
 * The redis package, loaded when a Redis backend is made: it adds about 25 MB to the process, which a
 * deployment without LAKEGATE_REDIS_URL should not carry. Its CommonJS build loads synchronously.
 */
let redis: typeof RedisModule | undefined;
const loadRedis = (): typeof RedisModule => {
  redis ??= createRequire(import.meta.url)('redis') as typeof RedisModule;
  return redis;
};

/** Commands are never queued while Redis is away, and reconnection backs off up to 2 s. */
function newClient(url: string, timeoutMs: number) {
  return loadRedis().createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: Math.max(1000, timeoutMs),
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2000),
    },
  });
}
type Client = ReturnType<typeof newClient>;
type Reply = string | number | null | Reply[];

interface Script {
  source: string;
  sha: string;
}

const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') });
const RESERVE = script(RESERVE_SCRIPT);
const SETTLE = script(SETTLE_SCRIPT);
const RENEW = script(RENEW_SCRIPT);

export class RedisLimitBackend implements LimitBackend {
  readonly kind = 'redis';
  /** The last connection error, for the engine's events; never holds credentials (the URL is not in it). */
  lastError: Error | undefined;

  private constructor(
    private readonly client: Client,
    private readonly timeoutMs: number,
    private readonly clock: (() => number) | undefined,
  ) {}

  /**
   * Connects in the background and resolves at once: a replica must start, and then follow its fail
   * mode, while Redis is down; the client keeps reconnecting with a capped backoff.
   */
  static open(options: RedisLimitBackendOptions): RedisLimitBackend {
    const timeoutMs = options.timeoutMs ?? 250;
    const client = newClient(options.url, timeoutMs);
    const backend = new RedisLimitBackend(client, timeoutMs, options.clock);
    client.on('error', (error: Error) => {
      backend.lastError = error;
    });
    client.connect().catch((error: unknown) => {
      backend.lastError = error instanceof Error ? error : new Error(String(error));
    });
    return backend;
  }

  /** Resolves once connected (or rejects after `ms`): for start-up checks and tests. */
  async ready(ms = 5000): Promise<void> {
    const started = Date.now();
    while (!this.client.isReady) {
      if (Date.now() - started > ms)
        throw new Error(`Redis not ready after ${ms} ms`, { cause: this.lastError });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const keys = [
      ...request.rates.map((r) => r.key),
      ...request.budgets.map((b) => b.key),
      ...request.pools.map((p) => p.key),
    ];
    const args = [
      this.now(),
      String(request.rates.length),
      String(request.budgets.length),
      String(request.pools.length),
      request.leaseId,
      String(request.leaseMs),
      ...request.rates.flatMap((r) => [r.limit, r.periodTicks, r.tickMs, r.cost].map(integer)),
      ...request.budgets.map((b) => integer(b.limitMicros)),
      ...request.pools.map((p) => integer(p.capacity)),
    ];
    const reply = await this.run(RESERVE, keys, args);
    if (!Array.isArray(reply)) throw new Error('Unexpected reply from the reserve script.');
    const [verdict, index, wait] = reply;
    if (verdict === 'ok') return { ok: true, pool: Number(index) >= 0 ? Number(index) : undefined };
    if (verdict === 'budget') return { ok: false, reason: 'budget', index: Number(index) };
    if (verdict === 'rate')
      return { ok: false, reason: 'rate', index: Number(index), retryAfterMs: Number(wait) };
    if (verdict === 'slots') return { ok: false, reason: 'slots' };
    throw new Error('Unexpected reply from the reserve script.');
  }

  async settle(request: SettleRequest): Promise<SettleResult> {
    const keys = [
      ...request.rates.map((r) => r.key),
      ...request.spends.map((s) => s.key),
      ...(request.slot ? [request.slot.key] : []),
    ];
    const args = [
      this.now(),
      String(request.rates.length),
      String(request.spends.length),
      request.slot ? '1' : '0',
      request.slot?.leaseId ?? '',
      String(MAX_DEBT_PERIODS),
      ...request.rates.flatMap((r) => [r.limit, r.periodTicks, r.tickMs, r.delta].map(integer)),
      ...request.spends.flatMap((s) => [integer(s.micros), integer(Math.max(1, s.ttlMs))]),
    ];
    const reply = await this.run(SETTLE, keys, args);
    if (!Array.isArray(reply)) throw new Error('Unexpected reply from the settle script.');
    return { spentMicros: reply.map(Number) };
  }

  async renewLeases(leases: readonly { key: string; leaseId: string }[], leaseMs: number): Promise<void> {
    if (leases.length === 0) return;
    await this.run(
      RENEW,
      leases.map((l) => l.key),
      [this.now(), integer(leaseMs), ...leases.map((l) => l.leaseId)],
    );
  }

  async spent(keys: readonly string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const values = await this.withDeadline(this.client.mGet([...keys]));
    return values.map((v) => Number(v ?? 0));
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close();
    else this.client.destroy();
  }

  private now(): string {
    return this.clock ? integer(this.clock()) : '';
  }

  /** EVALSHA, and EVAL once when the server does not have the script yet (restarted, flushed). */
  private async run(s: Script, keys: string[], args: string[]): Promise<Reply> {
    try {
      return (await this.withDeadline(this.client.evalSha(s.sha, { keys, arguments: args }))) as Reply;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await this.withDeadline(this.client.eval(s.source, { keys, arguments: args }))) as Reply;
    }
  }

  private withDeadline<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms.`)),
        this.timeoutMs,
      );
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
  }
}

/** An integer argument as Redis and Lua read it exactly (no exponent notation). */
function integer(n: number): string {
  return Math.round(n).toFixed(0);
}
