// The Redis side of the limits: each operation is ONE Lua script, so that checking every rule and
// charging them is a single atomic step on the server, whichever replica sends it (Redis runs one
// script at a time). The arithmetic is leaky-bucket.ts's, in the same integer units; numbers are
// written with %.0f because Redis would turn a Lua number into a string with 14 significant digits.
// Time: the injected `now` when the caller passes one (tests), else the Redis server's TIME, so that
// replicas with skewed clocks still share one clock. Expiries are relative (PEXPIRE) for the same reason.

const PRELUDE = `
local function fmt(n) return string.format('%.0f', n) end
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function drained(key, limit, tick)
  local state = redis.call('HMGET', key, 'l', 't')
  if not state[1] then return 0 end
  return math.max(0, tonumber(state[1]) - math.max(0, tick - tonumber(state[2])) * limit)
end
local function store(key, level, limit, tick, tickMs)
  if level <= 0 then
    redis.call('DEL', key)
    return
  end
  redis.call('HSET', key, 'l', fmt(level), 't', fmt(tick))
  local keepUntil = (tick + math.ceil(level / limit) + 1) * tickMs
  redis.call('PEXPIRE', key, fmt(math.max(1, keepUntil - now)))
end
`;

/**
 * KEYS: rate counters (nr), budget totals (nb), slot pools (np).
 * ARGV: now|'', nr, nb, np, leaseId, leaseMs, then per rate: limit, periodTicks, tickMs, cost; per
 * budget: limitMicros; per pool: capacity.
 * Reply: {'ok', poolIndex|-1} | {'budget', index} | {'rate', index, retryAfterMs} | {'slots'}.
 */
export const RESERVE_SCRIPT = `${PRELUDE}
local nr, nb, np = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local leaseId, leaseMs = ARGV[5], tonumber(ARGV[6])
local budgetArg = 7 + nr * 4
local poolArg = budgetArg + nb
for i = 1, nb do
  local spent = tonumber(redis.call('GET', KEYS[nr + i]) or '0')
  if spent >= tonumber(ARGV[budgetArg + i - 1]) then return {'budget', i - 1} end
end
local levels, ticks = {}, {}
local worst, worstMs = -1, 0
for i = 1, nr do
  local o = 7 + (i - 1) * 4
  local limit, period, tickMs, cost = tonumber(ARGV[o]), tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3])
  local tick = math.floor(now / tickMs)
  local level = drained(KEYS[i], limit, tick) + cost * period
  local capacity = limit * period
  if level > capacity then
    local waitMs = math.ceil((level - capacity) / limit) * tickMs
    if worst < 0 or waitMs > worstMs then worst, worstMs = i - 1, waitMs end
  end
  levels[i], ticks[i] = level, tick
end
if worst >= 0 then return {'rate', worst, fmt(worstMs)} end
local pool = -1
for i = 1, np do
  local key = KEYS[nr + nb + i]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt(now))
  if redis.call('ZCARD', key) < tonumber(ARGV[poolArg + i - 1]) then
    pool = i
    break
  end
end
if np > 0 and pool < 0 then return {'slots'} end
for i = 1, nr do
  local o = 7 + (i - 1) * 4
  store(KEYS[i], levels[i], tonumber(ARGV[o]), ticks[i], tonumber(ARGV[o + 2]))
end
if pool > 0 then
  local key = KEYS[nr + nb + pool]
  redis.call('ZADD', key, fmt(now + leaseMs), leaseId)
  redis.call('PEXPIRE', key, fmt(leaseMs * 2))
end
return {'ok', pool - 1}
`;

/**
 * KEYS: rate counters (nr), spend totals (ns), then the slot pool when there is one.
 * ARGV: now|'', nr, ns, hasSlot (0|1), leaseId, maxDebtPeriods, then per rate: limit, periodTicks,
 * tickMs, delta; per spend: micros, ttlMs.
 * Reply: the spend totals after the charge, in order.
 */
export const SETTLE_SCRIPT = `${PRELUDE}
local nr, ns, hasSlot = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local leaseId, maxDebt = ARGV[5], tonumber(ARGV[6])
for i = 1, nr do
  local o = 7 + (i - 1) * 4
  local limit, period, tickMs, delta = tonumber(ARGV[o]), tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3])
  local tick = math.floor(now / tickMs)
  local level = drained(KEYS[i], limit, tick) + delta * period
  level = math.min(maxDebt * limit * period, math.max(0, level))
  store(KEYS[i], level, limit, tick, tickMs)
end
local totals = {}
local spendArg = 7 + nr * 4
for i = 1, ns do
  local key = KEYS[nr + i]
  totals[i] = redis.call('INCRBY', key, ARGV[spendArg + (i - 1) * 2])
  redis.call('PEXPIRE', key, ARGV[spendArg + (i - 1) * 2 + 1])
end
if hasSlot == 1 then redis.call('ZREM', KEYS[nr + ns + 1], leaseId) end
return totals
`;

/**
 * KEYS: slot pools, one per lease. ARGV: now|'', leaseMs, then the lease ids in the order of KEYS.
 * A lease that has already expired stays gone: its slot may have been given to another call.
 */
export const RENEW_SCRIPT = `${PRELUDE}
local leaseMs = tonumber(ARGV[2])
for i = 1, #KEYS do
  local score = redis.call('ZSCORE', KEYS[i], ARGV[2 + i])
  if score and tonumber(score) > now then
    redis.call('ZADD', KEYS[i], 'XX', fmt(now + leaseMs), ARGV[2 + i])
    redis.call('PEXPIRE', KEYS[i], fmt(leaseMs * 2))
  end
end
return 1
`;
