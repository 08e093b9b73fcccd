--[[
  Reclaim expired holds without a buyer to trigger it: run by a sweeper every few seconds so
  stock that nobody is reserving still comes back (and shows up as available to readers).

  KEYS[1] stock, KEYS[2] holds, KEYS[3] holdQty, KEYS[4] outcomes   (as in reserve-4.lua)
  ARGV[1] maxReclaim
  ARGV[2] outcomeRetentionMs

  Returns { reclaimedHolds, unitsReturned }
]]
local maxReclaim = tonumber(ARGV[1])
local retentionMs = tonumber(ARGV[2])

local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', nowMs, 'LIMIT', 0, maxReclaim)
if #expired == 0 then return { 0, 0 } end
local returned = 0
for _, id in ipairs(expired) do
  returned = returned + (tonumber(redis.call('HGET', KEYS[3], id)) or 0)
  redis.call('HDEL', KEYS[3], id)
  redis.call('HSET', KEYS[4], id, 'expired')
end
redis.call('ZREM', KEYS[2], unpack(expired))
redis.call('INCRBY', KEYS[1], returned)
redis.call('PEXPIRE', KEYS[4], retentionMs)
return { #expired, returned }
