--[[
  Three ways a script can end in an error, for comparing what the client receives.
  ARGV[1] 'error_reply' | 'error' | 'runtime'
]]
-- #region raise
if ARGV[1] == 'error_reply' then
  -- A deliberate, coded error: the client gets exactly this text, first word as the error code.
  return redis.error_reply('INSUFFICIENT_FUNDS balance 5 < 10')
elseif ARGV[1] == 'error' then
  -- Lua's error(): Redis prefixes ERR and appends where it happened (script sha, line).
  error('balance too low')
else
  -- A bug (arithmetic on nil): the same ERR ... user_script:<line> shape as error().
  local missing = nil
  return missing + 1
end
-- #endregion raise
