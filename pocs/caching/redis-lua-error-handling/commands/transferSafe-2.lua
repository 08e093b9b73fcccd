--[[
  The same transfer, validate-first: read and check everything the writes depend on, return a
  coded error with redis.error_reply if anything is wrong, and only then write. Once the checks
  pass, the writes cannot fail for a reason the checks did not cover (types, ranges, existence),
  so there is never a half-done transfer to clean up.

  KEYS[1] from balance, KEYS[2] to balance, ARGV[1] amount
  Error replies (first word is the code):
    BAD_AMOUNT | FROM_MISSING | FROM_NOT_INTEGER | TO_NOT_INTEGER | INSUFFICIENT_FUNDS
]]
-- #region validate
local amount = tonumber(ARGV[1])
if not amount or amount <= 0 or amount % 1 ~= 0 then
  return redis.error_reply('BAD_AMOUNT amount must be a positive integer, got ' .. tostring(ARGV[1]))
end

-- redis.pcall: a wrong-type key comes back as a table { err = ... } instead of aborting, so the
-- script can turn it into its own coded error.
local from = redis.pcall('GET', KEYS[1])
if type(from) == 'table' and from.err then return redis.error_reply('FROM_NOT_INTEGER ' .. from.err) end
if not from then return redis.error_reply('FROM_MISSING no balance at ' .. KEYS[1]) end
local fromBalance = tonumber(from)
if not fromBalance or fromBalance % 1 ~= 0 then
  return redis.error_reply('FROM_NOT_INTEGER ' .. KEYS[1] .. ' holds ' .. from)
end

local to = redis.pcall('GET', KEYS[2])
if type(to) == 'table' and to.err then return redis.error_reply('TO_NOT_INTEGER ' .. to.err) end
if to and (not tonumber(to) or tonumber(to) % 1 ~= 0) then
  return redis.error_reply('TO_NOT_INTEGER ' .. KEYS[2] .. ' holds ' .. to)
end

if fromBalance < amount then
  return redis.error_reply('INSUFFICIENT_FUNDS balance ' .. fromBalance .. ' < ' .. amount)
end
-- #endregion validate

-- #region write-last
-- Every precondition holds: these two writes cannot fail on types or values any more.
local newFrom = redis.call('DECRBY', KEYS[1], amount)
local newTo = redis.call('INCRBY', KEYS[2], amount)
return { newFrom, newTo }
-- #endregion write-last
