--[[
  Move `amount` from one balance to another, written the obvious way: write, write.
  If the second write fails (the destination is not an integer, say), the first one has already
  happened and STAYS: Redis does not roll back a script's writes when the script errors.

  KEYS[1] from balance, KEYS[2] to balance, ARGV[1] amount
]]
-- #region unsafe
local amount = tonumber(ARGV[1])
redis.call('DECRBY', KEYS[1], amount)
-- If this raises, the DECRBY above is not undone: the money has left KEYS[1] and arrived nowhere.
redis.call('INCRBY', KEYS[2], amount)
return 'OK'
-- #endregion unsafe
