import { LuaScript } from './lua-script';

/**
 * Before a call, over the breakers that guard it (KEYS: each breaker's hash; ARGV: now, probe lease ms).
 * Blocked when any is open and cooling down, or half-open with its one probe taken:
 *   {'blocked', index, state, openedAt, reason, reopenAt}.
 * Otherwise every breaker whose cool-down has passed (or whose probe lease lapsed, its caller having died) becomes
 * half-open and this call is its probe: {'pass', index, previousState, …} per probe taken. Checking first and
 * writing after keeps a blocked call from taking any probe.
 */
export const checkBreakers = new LuaScript(`
local now = tonumber(ARGV[1])
local probing = {}
for i, key in ipairs(KEYS) do
  local h = redis.call('HMGET', key, 'state', 'reopenAt', 'probeUntil', 'openedAt', 'reason')
  local state = h[1] or 'closed'
  if state == 'open' or state == 'half_open' then
    local waitUntil = state == 'open' and tonumber(h[2] or 0) or tonumber(h[3] or 0)
    if now < waitUntil then
      return {'blocked', i, state, h[4] or '0', h[5] or '', h[2] or '0'}
    end
    probing[#probing + 1] = {i, state}
  end
end
local out = {'pass'}
for _, p in ipairs(probing) do
  redis.call('HSET', KEYS[p[1]], 'state', 'half_open', 'probeUntil', now + tonumber(ARGV[2]))
  out[#out + 1] = p[1]
  out[#out + 1] = p[2]
end
return out
`);

/**
 * After a call, for each breaker that guards it (KEYS, four per breaker: hash, calls in the window, failures in
 * the window, failing models; ARGV: now, outcome, call id, model, threshold, ratio, min calls, window ms,
 * cool-down ms, reason, then per breaker: whether this call was its probe (1/0) and how many distinct models
 * must be failing before it may open). Returns {index, from, to, reason} per breaker that changed state.
 *
 * Closed: the outcome joins the sliding window; the breaker opens after `threshold` failures in a row or when the
 * failed share of at least `min calls` reaches `ratio`. Half-open: only the probe's outcome counts, closing it on
 * success and re-opening it on failure; a neutral probe gives the probe back. Open: nothing is counted.
 */
export const recordOutcome = new LuaScript(`
local now, outcome, callId, model = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local threshold, ratio, minCalls = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local window, cooldown, reason = tonumber(ARGV[8]), tonumber(ARGV[9]), ARGV[10]
local changes = {}
local function changed(i, from, to, why)
  changes[#changes + 1] = i
  changes[#changes + 1] = from
  changes[#changes + 1] = to
  changes[#changes + 1] = why
end
for i = 1, #KEYS / 4 do
  local key, calls, fails, models = KEYS[i * 4 - 3], KEYS[i * 4 - 2], KEYS[i * 4 - 1], KEYS[i * 4]
  local probe = ARGV[9 + i * 2] == '1'
  local minModels = tonumber(ARGV[10 + i * 2])
  local state = redis.call('HGET', key, 'state') or 'closed'
  local function open(why)
    redis.call('HSET', key, 'state', 'open', 'openedAt', now, 'reopenAt', now + cooldown, 'reason', why,
      'consecutiveFailures', 0, 'probeUntil', 0)
    redis.call('DEL', calls, fails, models)
    changed(i, state, 'open', why)
  end
  if state == 'half_open' then
    if probe and outcome == 'success' then
      redis.call('HDEL', key, 'openedAt', 'reopenAt', 'reason', 'probeUntil')
      redis.call('HSET', key, 'state', 'closed', 'consecutiveFailures', 0)
      changed(i, state, 'closed', 'the probe call succeeded')
    elseif probe and outcome == 'failure' then
      open('the probe call failed: ' .. reason)
    elseif probe then
      redis.call('HSET', key, 'probeUntil', 0)
    end
  elseif state == 'closed' and outcome ~= 'neutral' then
    redis.call('ZREMRANGEBYSCORE', calls, '-inf', now - window)
    redis.call('ZADD', calls, now, callId)
    redis.call('PEXPIRE', calls, window)
    if outcome == 'success' then
      redis.call('HSET', key, 'state', 'closed', 'consecutiveFailures', 0)
    else
      redis.call('ZREMRANGEBYSCORE', fails, '-inf', now - window)
      redis.call('ZADD', fails, now, callId)
      redis.call('PEXPIRE', fails, window)
      local inARow = redis.call('HINCRBY', key, 'consecutiveFailures', 1)
      redis.call('HSET', key, 'state', 'closed')
      local failingModels = 1
      if minModels > 1 then
        redis.call('HSET', models, model, now)
        redis.call('PEXPIRE', models, window)
        failingModels = 0
        local seen = redis.call('HGETALL', models)
        for j = 2, #seen, 2 do
          if tonumber(seen[j]) > now - window then failingModels = failingModels + 1 end
        end
      end
      if failingModels >= minModels then
        local total, failed = redis.call('ZCARD', calls), redis.call('ZCARD', fails)
        if inARow >= threshold then
          open(inARow .. ' failures in a row, the last: ' .. reason)
        elseif total >= minCalls and failed >= ratio * total then
          open(failed .. ' of the last ' .. total .. ' calls failed, the last: ' .. reason)
        end
      end
    end
  end
end
return changes
`);
