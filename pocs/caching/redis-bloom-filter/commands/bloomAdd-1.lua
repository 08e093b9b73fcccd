-- #region add
-- Adds a batch of members to the Bloom filter bitmap at KEYS[1].
-- ARGV[1] = k (positions per member); ARGV[2..] = k bit offsets per member, member after member.
-- Returns, per member, 1 if at least one of its bits was 0 before (so it was certainly new),
-- 0 if all k bits were already set (it was probably added before, or is a false positive).
local k = tonumber(ARGV[1])
local members = (#ARGV - 1) / k
local added = {}
for j = 0, members - 1 do
  local new = 0
  for i = 1, k do
    -- SETBIT returns the bit's previous value.
    if redis.call('SETBIT', KEYS[1], ARGV[1 + j * k + i], 1) == 0 then new = 1 end
  end
  added[j + 1] = new
end
return added
-- #endregion add
