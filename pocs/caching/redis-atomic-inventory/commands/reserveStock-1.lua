--[[
  Check-and-decrement stock in one atomic step.

  Redis runs a script to completion before serving any other command, so no other buyer can
  read the stock between our check and our decrement: the check can never be stale.

  KEYS[1]  the stock counter (a string holding an integer)
  ARGV[1]  quantity to reserve (integer >= 1)

  Returns the stock left after the reservation, or -1 when there is not enough (nothing changes).
  A missing key counts as 0 in stock.
]]
-- #region reserve
local stock = tonumber(redis.call('GET', KEYS[1]) or '0')
local quantity = tonumber(ARGV[1])
if stock < quantity then
  return -1
end
return redis.call('DECRBY', KEYS[1], quantity)
-- #endregion reserve
