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

--- @include "reclaimExpired"

return { reclaimExpired(nowMs, maxReclaim, retentionMs) }
