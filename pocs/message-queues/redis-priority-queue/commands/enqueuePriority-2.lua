-- #region enqueue
-- Adds a job with score = priority * slots + arrival number, so BZPOPMIN takes the most urgent
-- priority first (lowest number) and, within one priority, the earliest arrival (FIFO).
-- KEYS[1] the queue (sorted set), KEYS[2] the arrival counter
-- ARGV[1] job id, ARGV[2] priority (0 = most urgent), ARGV[3] slots per priority
local seq = redis.call('INCR', KEYS[2])
if seq >= tonumber(ARGV[3]) then
  return redis.error_reply('arrival counter exhausted: reset it while the queue is empty')
end
-- NX: an id already waiting is not moved (enqueue is idempotent per job id).
local added = redis.call('ZADD', KEYS[1], 'NX', string.format('%.0f', tonumber(ARGV[2]) * tonumber(ARGV[3]) + seq), ARGV[1])
return added
-- #endregion enqueue
