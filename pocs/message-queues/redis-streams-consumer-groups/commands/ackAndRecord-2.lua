-- #region ack-and-record
-- KEYS[1] stream, KEYS[2] ledger hash (entry id -> times acknowledged)
-- ARGV[1] group, ARGV[2] entry id
-- Acknowledge and record the effect in one atomic step: a consumer killed between the two can
-- never leave an entry that was processed but still pending, or acknowledged but not recorded.
local acked = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if acked == 1 then
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
end
return acked
-- #endregion ack-and-record
