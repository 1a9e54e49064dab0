// The engine a server runs: the policy from lakegate.yaml, counters in Redis when LAKEGATE_REDIS_URL is
// set (shared by every replica), else in this process. With no limits configured the engine is
// disabled (`enabled` false) and opens no connection.

import { type LakegateConfig, LakegateError } from '../../core/index.js';
import { LimitsEngine, type LimitsEngineOptions } from './limits-engine.js';
import { policyFromConfig } from './limits-policy.js';
import { MemoryLimitBackend } from './memory-backend.js';
import { RedisLimitBackend } from './redis-backend.js';

export const REDIS_URL_ENV = 'LAKEGATE_REDIS_URL';

export function createLimitsEngine(
  config: LakegateConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: LimitsEngineOptions = {},
): LimitsEngine {
  const policy = policyFromConfig(config);
  const url = env[REDIS_URL_ENV]?.trim();
  const engineEnabled = policy.rates.length > 0 || policy.budgets.length > 0 || policy.concurrency.size > 0;
  if (!url || !engineEnabled) return new LimitsEngine(policy, new MemoryLimitBackend(options.clock), options);
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    // The URL may hold a password: it is not echoed.
    throw new LakegateError('CONFIG_INVALID', `${REDIS_URL_ENV} is not a URL (expected redis://host:port).`);
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:')
    throw new LakegateError('CONFIG_INVALID', `${REDIS_URL_ENV} must be a redis:// or rediss:// URL.`);
  const backend = RedisLimitBackend.open({ url, timeoutMs: policy.timeoutMs });
  return new LimitsEngine(policy, backend, options);
}
