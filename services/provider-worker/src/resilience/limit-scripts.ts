import { LuaScript } from './lua-script';

/**
 * Takes a provider's permission for one call, or says how long to wait (KEYS: cool-until, leases, requests,
 * tokens; ARGV: now, lease id, lease ms, concurrency, requests/min, tokens/min, tokens of this call, burst ms,
 * poll ms; a limit of 0 is no limit). Returns {0} when granted, else {wait ms, which limit}.
 *
 * - cool-until: a 429's retry-after pauses the provider for every worker until the key expires.
 * - concurrency: leases in a sorted set scored by expiry, so a crashed worker's slot frees itself.
 * - requests and tokens per minute: GCRA (one "theoretical arrival time" each), spreading calls evenly with at
 *   most `burst ms` of allowance at once. A call is let through whenever the schedule is within the burst, even
 *   one larger than the burst, so no call waits forever; the next calls then wait for the time it used.
 * Nothing is taken unless every limit grants it.
 */
export const acquireLimits = new LuaScript(`
local now = tonumber(ARGV[1])
local cooling = redis.call('PTTL', KEYS[1])
if cooling > 0 then return {cooling, 'cool-until'} end
local concurrency, rpm, tpm = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local tokens, burst = tonumber(ARGV[7]), tonumber(ARGV[8])
if concurrency > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= concurrency then
    local soonest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return {math.max(1, math.min(tonumber(ARGV[9]), tonumber(soonest[2]) - now)), 'concurrency'}
  end
end
local function schedule(key, limit, cost)
  if limit == 0 then return nil, 0 end
  local tat = math.max(tonumber(redis.call('GET', key) or now), now)
  if tat - now > burst then return nil, tat - now - burst end
  return tat + cost * 60000 / limit, 0
end
local requestsAt, requestWait = schedule(KEYS[3], rpm, 1)
if requestWait > 0 then return {math.ceil(requestWait), 'requests per minute'} end
local tokensAt, tokenWait = schedule(KEYS[4], tpm, tokens)
if tokenWait > 0 then return {math.ceil(tokenWait), 'tokens per minute'} end
if concurrency > 0 then
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]))
end
-- Whole milliseconds: Lua would print a fractional epoch in a lossy exponent form.
if requestsAt then redis.call('SET', KEYS[3], math.ceil(requestsAt), 'PX', math.ceil(requestsAt - now) + 1000) end
if tokensAt then redis.call('SET', KEYS[4], math.ceil(tokensAt), 'PX', math.ceil(tokensAt - now) + 1000) end
return {0}
`);

/**
 * After a call, moves the token schedule by the difference between the real and the estimated tokens (KEYS: the
 * tokens key; ARGV: now, token difference, tokens/min): an over-estimate gives allowance back, an under-estimate
 * makes the next calls wait for it.
 */
export const correctTokens = new LuaScript(`
local now = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
local corrected = math.max(now, tat + tonumber(ARGV[2]) * 60000 / tonumber(ARGV[3]))
if corrected > now then redis.call('SET', KEYS[1], math.ceil(corrected), 'PX', math.ceil(corrected - now) + 1000) end
return 1
`);

/** Pauses a provider for everyone (KEYS: cool-until; ARGV: ms), never shortening a pause already in place. */
export const coolDown = new LuaScript(`
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`);
