--[[
  Delete the lock only if it still holds our token.

  A plain DEL would delete whatever lock is there, including one that another client took after
  ours expired. Comparing and deleting in one script leaves no gap between the two.

  KEYS[1]  the lock key
  ARGV[1]  the token we acquired with
  Returns 1 when released, 0 when the lock was not ours (expired, or taken by someone else).
]]
-- #region release
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
-- #endregion release
