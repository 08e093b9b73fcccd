--[[
  The protected resource's side of fencing: accept a write only if its fencing token is at least
  the highest one this resource has seen. A holder whose lock expired while it was paused carries
  an older token than the client that took the lock after it, so its late write is refused.

  KEYS[1]  the resource (a hash: value, writer, fence)
  ARGV[1]  fencing token of the writer
  ARGV[2]  new value
  ARGV[3]  writer label (for the demo's output)
  Returns { 1, token } when written, { 0, highestSeen } when refused.
]]
-- #region fenced-write
local highest = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
local token = tonumber(ARGV[1])
if token < highest then
  return { 0, highest }
end
redis.call('HSET', KEYS[1], 'fence', token, 'value', ARGV[2], 'writer', ARGV[3])
return { 1, token }
-- #endregion fenced-write
