--[[
  Move an amount between two balances, only if the source can pay. Runs atomically: no other
  command sees the money gone from one account and not yet in the other.

  KEYS[1]  source balance   KEYS[2]  destination balance
  ARGV[1]  amount (integer > 0)
  Returns the source balance after the transfer, or -1 when it could not pay (nothing changes).
]]
-- #region transfer
local amount = tonumber(ARGV[1])
local balance = tonumber(redis.call('GET', KEYS[1]) or '0')
if balance < amount then
  return -1
end
redis.call('INCRBY', KEYS[2], amount)
return redis.call('DECRBY', KEYS[1], amount)
-- #endregion transfer
