--[[
  Increment a counter by `step`, but never past `max`; reply with the new value, or -1 when the
  increment would cross the limit (and then change nothing).

  A typical small script of the kind applications keep in files: a few commands, a comment block
  explaining the contract, a couple of guards. Its size matters in this POC: with EVAL the whole
  text below travels to Redis on every single call.

  KEYS[1] the counter (a string holding an integer; missing = 0)
  ARGV[1] step  (integer >= 1)
  ARGV[2] max   (integer >= 0)
]]
local step = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
if not step or step < 1 then
  return redis.error_reply('ERR_BAD_STEP step must be an integer >= 1')
end
if not max or max < 0 then
  return redis.error_reply('ERR_BAD_MAX max must be an integer >= 0')
end
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current + step > max then
  return -1
end
return redis.call('INCRBY', KEYS[1], step)
