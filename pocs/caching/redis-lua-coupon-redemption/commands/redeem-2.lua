--[[
  Redeem a coupon for one user, or say exactly why not. Every rule is checked and the redemption
  written in one atomic step, so no two callers can both see "one left" or "not yet redeemed".

  KEYS[1] coupon    hash: cap, startsAtMs, endsAtMs (Redis server epoch ms; endsAtMs exclusive)
  KEYS[2] redeemed  set: user ids that redeemed it (its size is the number redeemed)
  ARGV[1] userId

  Returns { 1, 'REDEEMED', remaining }
       or { 0, reason, remaining } with reason, in the order the rules are checked:
          UNKNOWN_COUPON | NOT_YET_VALID | EXPIRED | ALREADY_REDEEMED | SOLD_OUT
]]
local userId = ARGV[1]

-- #region rules
local coupon = redis.call('HMGET', KEYS[1], 'cap', 'startsAtMs', 'endsAtMs')
local cap, startsAt, endsAt = tonumber(coupon[1]), tonumber(coupon[2]), tonumber(coupon[3])
if not cap then return { 0, 'UNKNOWN_COUPON', 0 } end

local used = redis.call('SCARD', KEYS[2])
local remaining = math.max(0, cap - used)

-- The validity window is judged on the Redis clock, the same for every app server.
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if nowMs < startsAt then return { 0, 'NOT_YET_VALID', remaining } end
if nowMs >= endsAt then return { 0, 'EXPIRED', remaining } end

-- Checked before the cap on purpose: a user who already has it and retries should hear
-- "you already redeemed this", not "sold out".
if redis.call('SISMEMBER', KEYS[2], userId) == 1 then return { 0, 'ALREADY_REDEEMED', remaining } end
if used >= cap then return { 0, 'SOLD_OUT', 0 } end
-- #endregion rules

-- #region write
-- The only write, after every check passed: nothing to undo if a rule says no.
redis.call('SADD', KEYS[2], userId)
return { 1, 'REDEEMED', remaining - 1 }
-- #endregion write
