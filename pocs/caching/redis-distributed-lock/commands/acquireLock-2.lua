--[[
  Take the lock if it is free, and hand out the next fencing token with it.

  KEYS[1]  the lock key
  KEYS[2]  the fencing counter for that resource (never expires, only grows)
  ARGV[1]  token: random, unique to this acquisition (proves ownership on release/extend)
  ARGV[2]  ttlMs: how long the lock lives if its holder never releases it

  Returns { fencingToken, pttl }: fencingToken > 0 when acquired (pttl = ttlMs),
  0 when someone else holds the lock (pttl = what is left of their lease, to size the wait).

  SET NX PX and INCR run in one script so that no lock is ever held without a fencing token,
  even if the client dies between the two.
]]
-- #region acquire
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return { redis.call('INCR', KEYS[2]), tonumber(ARGV[2]) }
end
return { 0, redis.call('PTTL', KEYS[1]) }
-- #endregion acquire
