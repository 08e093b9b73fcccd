--[[
  Token bucket rate limit check, run atomically inside Redis.

  One hash per rate-limited key: `tokens` (may be fractional) and `ts`, the server time (ms) at
  which `tokens` was last brought up to date. Nothing refills in the background: the refill since
  `ts` is computed when the next request arrives, so an idle bucket costs no work at all.

  Input:
    KEYS[1]  the hash for this rate-limited key
    ARGV[1]  capacity       (largest burst, tokens, integer >= 1)
    ARGV[2]  refillPerSec   (tokens added per second, > 0)
    ARGV[3]  cost           (tokens this request takes, integer 1..capacity)

  Output: { allowed (0/1), tokensLeft (string, exact), retryAfterMs, nowMs }
    tokensLeft is returned as a string because Redis turns a Lua number reply into an integer,
    dropping the fraction.
]]
local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local refillPerMs = tonumber(ARGV[2]) / 1000
local cost = tonumber(ARGV[3])

-- #region server-time
-- The Redis clock, read inside the script: every app server that shares this bucket measures
-- "time since the last refill" against the same clock. With client clocks, a server running 2 s
-- ahead would credit 2 s of tokens that were never earned (and one running behind would see a
-- negative interval). Scripts replicate their effects, not their source, so TIME is allowed
-- before a write.
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
-- #endregion server-time

-- #region refill-and-take
local state = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  -- A bucket nobody has used (or one that expired because it was full): it starts full.
  tokens = capacity
  ts = nowMs
end
-- Never refill backwards: after a failover the new primary's clock may be a little behind.
local elapsedMs = math.max(0, nowMs - ts)
tokens = math.min(capacity, tokens + elapsedMs * refillPerMs)

local allowed = 0
local retryAfterMs = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  -- Denials take nothing: the deficit is what must drip in before this cost fits.
  retryAfterMs = math.ceil((cost - tokens) / refillPerMs)
end

-- %.17g keeps every digit: tostring() rounds to 14 significant digits, which would cut a
-- millisecond timestamp to tens of milliseconds.
redis.call('HSET', key, 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.17g', nowMs))
-- #endregion refill-and-take

-- #region expiry
-- A bucket that has refilled to capacity is indistinguishable from a missing one (both mean
-- "full"), so the key may vanish at exactly that moment: idle users cost no memory.
local msUntilFull = math.ceil((capacity - tokens) / refillPerMs)
redis.call('PEXPIRE', key, math.max(1, msUntilFull))
-- #endregion expiry

return { allowed, string.format('%.17g', tokens), retryAfterMs, math.floor(nowMs) }
