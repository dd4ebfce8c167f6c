/**
 * One call against a subscription's limits, atomically in Redis: the same order and arithmetic as memory.ts, with
 * the whole limits (every node counts into the same keys). KEYS: bucket, day count, month count. ARGV: now (ms),
 * rate, daily quota, monthly quota, the day's and the month's key lifetimes (ms). Returns nil to let the call
 * through, {'month'} or {'day'}, or {'rate', ms until a token is back}. A refusal writes nothing.
 * The day and the month are the node's (its time zone), named in the keys, so a new day is a new key.
 */
export const takeScript = `
local now, rate, quota, monthly = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if monthly > 0 and tonumber(redis.call('GET', KEYS[3]) or 0) >= monthly then return {'month'} end
if quota > 0 and tonumber(redis.call('GET', KEYS[2]) or 0) >= quota then return {'day'} end
if rate > 0 then
  local b = redis.call('HMGET', KEYS[1], 't', 'a')
  local tokens = rate
  if b[1] then tokens = math.min(rate, tonumber(b[1]) + math.max(0, now - tonumber(b[2])) / 60000 * rate) end
  if tokens < 1 then return {'rate', tostring((1 - tokens) * 60000 / rate)} end
  redis.call('HSET', KEYS[1], 't', tostring(tokens - 1), 'a', ARGV[1])
  -- A bucket left alone for a minute is full again: the same as no bucket.
  redis.call('PEXPIRE', KEYS[1], 61000)
end
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
return false
`;
