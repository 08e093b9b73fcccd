--[[
  Reserve stock: move `qty` units from available stock into a hold that expires.

  Before reserving, holds whose deadline has passed are reclaimed (their units go back to stock)
  in the same atomic step, so an expired hold can never block a new buyer, sweeper or not.

  KEYS[1] stock     string: units available to reserve
  KEYS[2] holds     sorted set: holdId -> deadline (Redis server epoch ms)
  KEYS[3] holdQty   hash: holdId -> units held
  KEYS[4] outcomes  hash: holdId -> 'confirmed' | 'expired' (kept for outcomeRetentionMs)
  ARGV[1] holdId    unique per reservation
  ARGV[2] qty       units to hold, integer >= 1
  ARGV[3] ttlMs     how long the hold lasts
  ARGV[4] maxReclaim  expired holds reclaimed per call at most (bounds the script's run time)
  ARGV[5] outcomeRetentionMs

  Returns { 1, 'RESERVED', deadlineMs, stockLeft, reclaimed }
       or { 0, reason, stockLeft, reclaimed } with reason OUT_OF_STOCK | UNKNOWN_SKU | HOLD_EXISTS
]]
local holdId = ARGV[1]
local qty = tonumber(ARGV[2])
local ttlMs = tonumber(ARGV[3])
local maxReclaim = tonumber(ARGV[4])
local retentionMs = tonumber(ARGV[5])

local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- Scripts cannot call one another, so the loader inlines the shared block here (BullMQ's convention).
--- @include "reclaimExpired"

-- #region reserve
local stock = redis.call('GET', KEYS[1])
if not stock then return { 0, 'UNKNOWN_SKU', 0, 0 } end
local reclaimed = reclaimExpired(nowMs, maxReclaim, retentionMs)
if redis.call('HEXISTS', KEYS[3], holdId) == 1 or redis.call('HEXISTS', KEYS[4], holdId) == 1 then
  return { 0, 'HOLD_EXISTS', tonumber(redis.call('GET', KEYS[1])), reclaimed }
end
stock = tonumber(redis.call('GET', KEYS[1]))
if stock < qty then return { 0, 'OUT_OF_STOCK', stock, reclaimed } end

local deadline = nowMs + ttlMs
redis.call('DECRBY', KEYS[1], qty)
redis.call('ZADD', KEYS[2], deadline, holdId)
redis.call('HSET', KEYS[3], holdId, qty)
return { 1, 'RESERVED', deadline, stock - qty, reclaimed }
-- #endregion reserve
