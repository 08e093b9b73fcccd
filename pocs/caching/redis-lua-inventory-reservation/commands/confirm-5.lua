--[[
  Confirm a hold: its units become sold. Only a hold whose deadline has not passed (on the Redis
  clock) can be confirmed; an expired one is reclaimed here if nobody has yet, and refused.

  KEYS[1] stock, KEYS[2] holds, KEYS[3] holdQty, KEYS[4] outcomes   (as in reserve-4.lua)
  KEYS[5] sold      string: units sold
  ARGV[1] holdId
  ARGV[2] maxReclaim
  ARGV[3] outcomeRetentionMs

  Returns { 1, 'CONFIRMED', qty }
       or { 0, reason, deadlineMs } with reason HOLD_EXPIRED | ALREADY_CONFIRMED | UNKNOWN_HOLD
]]
local holdId = ARGV[1]
local maxReclaim = tonumber(ARGV[2])
local retentionMs = tonumber(ARGV[3])

local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

--- @include "reclaimExpired"

-- #region confirm
local deadline = tonumber(redis.call('ZSCORE', KEYS[2], holdId))
if deadline and deadline <= nowMs then
  -- Expired but not yet reclaimed (more than maxReclaim were due): return its stock now.
  local qty = tonumber(redis.call('HGET', KEYS[3], holdId)) or 0
  redis.call('ZREM', KEYS[2], holdId)
  redis.call('HDEL', KEYS[3], holdId)
  redis.call('INCRBY', KEYS[1], qty)
  redis.call('HSET', KEYS[4], holdId, 'expired')
  redis.call('PEXPIRE', KEYS[4], retentionMs)
  return { 0, 'HOLD_EXPIRED', deadline }
end
reclaimExpired(nowMs, maxReclaim, retentionMs)

local qty = tonumber(redis.call('HGET', KEYS[3], holdId))
if not qty then
  local outcome = redis.call('HGET', KEYS[4], holdId)
  if outcome == 'expired' then return { 0, 'HOLD_EXPIRED', 0 } end
  if outcome == 'confirmed' then return { 0, 'ALREADY_CONFIRMED', 0 } end
  return { 0, 'UNKNOWN_HOLD', 0 }
end
redis.call('ZREM', KEYS[2], holdId)
redis.call('HDEL', KEYS[3], holdId)
redis.call('INCRBY', KEYS[5], qty)
redis.call('HSET', KEYS[4], holdId, 'confirmed')
redis.call('PEXPIRE', KEYS[4], retentionMs)
return { 1, 'CONFIRMED', qty }
-- #endregion confirm
