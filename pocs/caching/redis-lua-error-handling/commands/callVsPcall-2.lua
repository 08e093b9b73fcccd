--[[
  redis.call vs redis.pcall on the same failing command (INCR on a key holding text).

  KEYS[1] a key holding a non-integer string
  KEYS[2] a log list the script appends to after the INCR
  ARGV[1] 'call' or 'pcall'
]]
-- #region call-vs-pcall
if ARGV[1] == 'call' then
  -- Raises: the script stops here and the client gets the error (with the script's location).
  redis.call('INCR', KEYS[1])
  redis.call('RPUSH', KEYS[2], 'after call') -- never reached
  return 'unreachable'
end

-- Returns the error as a table { err = 'ERR value is not an integer ...' }; the script goes on.
local reply = redis.pcall('INCR', KEYS[1])
if type(reply) == 'table' and reply.err then
  redis.call('RPUSH', KEYS[2], 'after pcall: ' .. reply.err)
  return { 'caught', reply.err }
end
return { 'ok', reply }
-- #endregion call-vs-pcall
