-- One key's two token buckets (requests and tokens per minute), updated atomically for every zone replica.
-- KEYS[1]  the hash holding the key's buckets: r (requests level), t (tokens level), u (updated, epoch ms)
-- ARGV     op ("admit" | "refund" | "charge"), now (epoch ms), requests per minute, tokens per minute, tokens
-- Returns  {0} when done; {1, seconds} when admit is refused for requests; {2, seconds} for tokens.
-- A missing hash is a full pair of buckets: after a minute idle they would be full anyway, so the hash expires.
local op = ARGV[1]
local now = tonumber(ARGV[2])
local rpm = tonumber(ARGV[3])
local tpm = tonumber(ARGV[4])
local tokens = tonumber(ARGV[5])

local state = redis.call('HMGET', KEYS[1], 'r', 't', 'u')
local r = tonumber(state[1])
local t = tonumber(state[2])
local minutes = math.max(0, now - (tonumber(state[3]) or now)) / 60000
if r == nil then r = rpm else r = math.min(rpm, r + rpm * minutes) end
if t == nil then t = tpm else t = math.min(tpm, t + tpm * minutes) end

local function seconds(missing, perMinute)
  return math.max(1, math.ceil(missing * 60 / perMinute))
end

if op == 'admit' then
  if rpm > 0 and r < 1 then
    return {1, seconds(1 - r, rpm)}
  end
  if tpm > 0 then
    local needed = math.min(tokens, tpm)
    if t < needed then
      return {2, seconds(needed - t, tpm)}
    end
    t = t - tokens
  end
  if rpm > 0 then r = r - 1 end
elseif op == 'refund' then
  if rpm > 0 then r = math.min(rpm, r + 1) end
  if tpm > 0 then t = math.min(tpm, t + tokens) end
elseif op == 'charge' then
  if tpm > 0 then t = t - tokens end
else
  return redis.error_reply('unknown operation ' .. op)
end

redis.call('HSET', KEYS[1], 'r', string.format('%.6f', r), 't', string.format('%.6f', t), 'u', now)
-- Long enough for the deepest debt (generated tokens can take the bucket far below zero) to refill.
local debtMinutes = 0
if tpm > 0 and t < 0 then debtMinutes = -t / tpm end
redis.call('PEXPIRE', KEYS[1], math.ceil((2 + debtMinutes) * 60000))
return {0}
