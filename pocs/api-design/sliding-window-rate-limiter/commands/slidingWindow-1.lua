--[[
  Sliding-window LOG rate limit check, run atomically inside Redis.

  One sorted set per rate-limited key: every counted request is a member whose score is the
  Redis server time (ms) at which it was admitted. "How many requests in the last window?" is
  then "how many members have a score inside (now - window, now]".

  Why a script: the check is read-then-write (count, then add). Two clients doing that in two
  round trips can both read "99 of 100" and both add. Redis runs a script to completion before
  any other command, so the read and the write cannot interleave with another caller's.

  Input:
    KEYS[1]  the sorted set for this rate-limited key
    ARGV[1]  limit      (requests allowed per window, integer >= 1)
    ARGV[2]  windowMs   (window length in milliseconds, integer >= 1)
    ARGV[3]  cost       (units this request takes, integer 1..limit)
    ARGV[4]  token      (unique per call; members must be unique or ZADD would overwrite)

  Output: { allowed (0/1), remaining, resetAtMs, retryAfterMs, nowMs }
    resetAtMs     server epoch ms when the OLDEST counted request leaves the window
                  (the moment at least one more unit frees up)
    retryAfterMs  0 when allowed; else ms until enough old requests leave for `cost` to fit
    nowMs         the server time the decision was made at, so callers can turn resetAtMs
                  into "seconds from now" without trusting their own clock
]]
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local token = ARGV[4]

-- #region server-time
-- Use the Redis server's clock, not the caller's: every app server asks the same clock, so a
-- client whose clock runs 2 s fast cannot see a different window than its neighbours.
-- (Since Redis 5 scripts replicate their effects, not their source, so calling the
-- non-deterministic TIME before writing is allowed.)
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- #endregion server-time

-- #region sliding-log
-- 1. Forget requests that have left the window. A request admitted at time s counts during
--    [s, s + windowMs): at now = s + windowMs it is out, so the bound is inclusive.
redis.call('ZREMRANGEBYSCORE', key, '-inf', nowMs - windowMs)

-- 2. Count what is left: O(1).
local used = redis.call('ZCARD', key)

-- 3. Admit only if the whole cost fits. A denied request is NOT recorded, so a client that
--    keeps hammering while blocked does not push its own retry time further out.
local allowed = 0
if used + cost <= limit then
  for i = 1, cost do
    redis.call('ZADD', key, nowMs, token .. '#' .. i)
  end
  used = used + cost
  allowed = 1
  -- The newest member is now, so the whole set is useless after one window: let Redis
  -- delete it. (On a denial nothing was added and the TTL from the last admit still holds.)
  redis.call('PEXPIRE', key, windowMs)
end
-- #endregion sliding-log

-- #region reset-and-retry
-- Reset: when the oldest member leaves the window.
local resetAtMs = nowMs
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
if oldest[2] then
  resetAtMs = tonumber(oldest[2]) + windowMs
end

-- Retry-After: to fit `cost` more units, the (used + cost - limit) oldest members must leave;
-- the last of them to go is at rank (used + cost - limit - 1).
local retryAfterMs = 0
if allowed == 0 then
  local rank = used + cost - limit - 1
  local blocker = redis.call('ZRANGE', key, rank, rank, 'WITHSCORES')
  if blocker[2] then
    retryAfterMs = tonumber(blocker[2]) + windowMs - nowMs
  else
    -- Only reachable when cost > limit, which the client refuses before calling.
    retryAfterMs = windowMs
  end
end
-- #endregion reset-and-retry

return { allowed, limit - used, resetAtMs, retryAfterMs, nowMs }
