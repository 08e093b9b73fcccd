-- Removes an item from every tag it has, then the item's own set. Same key rules as setTags-1.lua.
-- KEYS[1] = the item's tag set; ARGV[1] = prefix of tag keys; ARGV[2] = item id.
local tags = redis.call('SMEMBERS', KEYS[1])
for _, tag in ipairs(tags) do redis.call('SREM', ARGV[1] .. tag, ARGV[2]) end
redis.call('DEL', KEYS[1])
return #tags
