-- #region add-points
-- Adds points and re-scores the member so that, among equal points, whoever got there first ranks higher.
-- KEYS[1] the sorted set (composite scores), KEYS[2] a hash of exact points per member
-- ARGV[1] member, ARGV[2] delta (integer), ARGV[3] season start (ms), ARGV[4] time slots,
-- ARGV[5] optional event time in ms (default: the Redis server clock, one clock for every app server)
local slots = tonumber(ARGV[4])
local at = tonumber(ARGV[5])
if not at then
  local t = redis.call('TIME')
  at = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local elapsed = at - tonumber(ARGV[3])
if elapsed < 0 or elapsed >= slots then
  return redis.error_reply('event time outside the season: start a new season key')
end
-- Check before writing anything: a script that fails halfway is not rolled back.
local points = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') + tonumber(ARGV[2])
-- points * slots + (slots - 1 - elapsed) must stay an exact integer in a double (< 2^53).
if points < 0 or points * slots >= 9007199254740992 - slots then
  return redis.error_reply('points out of range for the composite score')
end
-- '%.0f' writes the exact integer (every integer below 2^53 is exact in a double).
redis.call('HSET', KEYS[2], ARGV[1], string.format('%.0f', points))
redis.call('ZADD', KEYS[1], string.format('%.0f', points * slots + (slots - 1 - elapsed)), ARGV[1])
return points
-- #endregion add-points
