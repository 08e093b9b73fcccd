-- #region check
-- Checks a batch of members against the Bloom filter bitmap at KEYS[1].
-- ARGV[1] = k; ARGV[2..] = k bit offsets per member. Returns per member 1 (maybe present) or
-- 0 (certainly absent). A member stops at its first 0 bit: most non-members cost one or two GETBITs.
local k = tonumber(ARGV[1])
local members = (#ARGV - 1) / k
local found = {}
for j = 0, members - 1 do
  local maybe = 1
  for i = 1, k do
    if redis.call('GETBIT', KEYS[1], ARGV[1 + j * k + i]) == 0 then
      maybe = 0
      break
    end
  end
  found[j + 1] = maybe
end
return found
-- #endregion check
