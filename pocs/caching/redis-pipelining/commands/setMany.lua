--[[
  SET many keys in one call: the "Lua batch" way to save round trips.

  The number of keys differs per call, so this file has no fixed key count in its name (the
  <name>-<numberOfKeys>.lua convention of the other POCs): the caller passes numkeys itself.

  KEYS[1..n]  the keys
  ARGV[1..n]  their values, in the same order
  Returns the number of keys set.
]]
-- #region set-many
if #KEYS ~= #ARGV then
  return redis.error_reply('ERR_ARITY setMany needs as many values as keys, got ' .. #KEYS .. ' keys and ' .. #ARGV .. ' values')
end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[i])
end
return #KEYS
-- #endregion set-many
