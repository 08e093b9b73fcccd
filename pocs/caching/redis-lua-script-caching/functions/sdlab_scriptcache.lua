#!lua name=sdlab_scriptcache
-- The same bounded increment as commands/boundedIncr-1.lua, as a Redis 7 function library.
-- A library is loaded once with FUNCTION LOAD, lives in the server's data set (replicated and
-- persisted like keys, unlike the script cache), and is called by name with FCALL.
--
-- Function names are global across all libraries on a server, so they carry the library name as
-- a prefix; FunctionLibrary.ts rewrites that prefix to give each run its own namespace.

-- #region library
local function bounded_incr(keys, args)
  local step = tonumber(args[1])
  local max = tonumber(args[2])
  if not step or step < 1 then
    return redis.error_reply('ERR_BAD_STEP step must be an integer >= 1')
  end
  if not max or max < 0 then
    return redis.error_reply('ERR_BAD_MAX max must be an integer >= 0')
  end
  local current = tonumber(redis.call('GET', keys[1]) or '0')
  if current + step > max then
    return -1
  end
  return redis.call('INCRBY', keys[1], step)
end

redis.register_function('sdlab_scriptcache_bounded_incr', bounded_incr)
-- #endregion library
