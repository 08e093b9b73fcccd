-- #region reclaim
-- Holds whose deadline (on the Redis clock) has passed give their units back to stock, at most
-- maxReclaim per call so one script never runs long, and are remembered as 'expired' for
-- retentionMs. KEYS as in reserve-4.lua. Returns the holds reclaimed and the units returned.
-- Inlined by the loader into reserve, confirm and sweep (`--- @include "reclaimExpired"`).
local function reclaimExpired(nowMs, maxReclaim, retentionMs)
  local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', nowMs, 'LIMIT', 0, maxReclaim)
  if #expired == 0 then return 0, 0 end
  local returned = 0
  for _, id in ipairs(expired) do
    returned = returned + (tonumber(redis.call('HGET', KEYS[3], id)) or 0)
    redis.call('HDEL', KEYS[3], id)
    redis.call('HSET', KEYS[4], id, 'expired')
  end
  redis.call('ZREM', KEYS[2], unpack(expired))
  redis.call('INCRBY', KEYS[1], returned)
  redis.call('PEXPIRE', KEYS[4], retentionMs)
  return #expired, returned
end
-- #endregion reclaim
