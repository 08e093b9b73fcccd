-- #region set-tags
-- Replaces an item's tags and keeps both indexes in step, atomically.
-- KEYS[1] = the item's tag set; ARGV[1] = prefix of tag keys; ARGV[2] = item id; ARGV[3..] = new tags.
-- The tag keys are built here because they are only known after reading KEYS[1]. That is fine on a
-- single Redis; on a cluster every key must share a hash tag (the default prefix does: {tags}).
local itemKey, tagPrefix, item = KEYS[1], ARGV[1], ARGV[2]
local wanted = {}
for i = 3, #ARGV do wanted[ARGV[i]] = true end
local removed, added = 0, 0
for _, tag in ipairs(redis.call('SMEMBERS', itemKey)) do
  if not wanted[tag] then
    redis.call('SREM', tagPrefix .. tag, item)
    redis.call('SREM', itemKey, tag)
    removed = removed + 1
  end
end
for tag in pairs(wanted) do
  if redis.call('SADD', itemKey, tag) == 1 then added = added + 1 end
  redis.call('SADD', tagPrefix .. tag, item)
end
return { added, removed }
-- #endregion set-tags
