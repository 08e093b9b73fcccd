-- #region update-session
-- Writes fields into an existing session and slides its idle expiry, in one atomic step.
-- A plain HSET would recreate a session that has expired or been logged out (without an expiry);
-- checking EXISTS first in the same script rules that out.
-- KEYS[1] session key; ARGV[1] idle timeout in ms; ARGV[2..] field, value, field, value, ...
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
-- #endregion update-session
