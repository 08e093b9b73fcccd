--[[
  Give our lock a new TTL, only while it is still ours.

  KEYS[1]  the lock key
  ARGV[1]  the token we acquired with
  ARGV[2]  the new TTL in ms, counted from now
  Returns 1 when extended, 0 when the lock is gone or belongs to someone else.
]]
-- #region extend
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
-- #endregion extend
