-- #region dead-letter
-- KEYS[1] stream, KEYS[2] dead-letter stream
-- ARGV[1] group, ARGV[2] entry id, ARGV[3] delivery count, ARGV[4] consumer, ARGV[5..] the entry's fields
-- Copy the entry to the dead-letter stream and acknowledge it, atomically: it leaves the pending
-- list exactly when it lands where an operator will look at it.
local fields = { 'original-id', ARGV[2], 'deliveries', ARGV[3], 'last-consumer', ARGV[4] }
for i = 5, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('XADD', KEYS[2], '*', unpack(fields))
return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
-- #endregion dead-letter
