-- The quota's state machine (gong-api-ext/src/quota/state.rs, which documents it), run
-- atomically in Redis. Keep the two in step: a test feeds both the same events.
--
-- KEYS[1]: the company's hash.
-- ARGV: op ("acquire", "throttled" or "snapshot"), now in microseconds ("" for Redis's own
-- clock, which every machine then shares), rate, burst, margin, budget (-1 for none),
-- adaptive ("1"/"0"); for "throttled" also granted_at, wait and cap (microseconds).

local DAY = 86400000000
local FLOOR, SHALLOW, DEEP = 0.05, 0.95, 0.7
local STRIKE_WINDOW, PROBE_EVERY = 10000000, 5000000
local FIRST_STEP, MAX_STEP, HEADROOM, MEMORY = 0.02, 0.32, 0.95, 300000000
local STEP = 1000000

local key, op = KEYS[1], ARGV[1]
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local rate, burst, margin = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local budget, adaptive = tonumber(ARGV[6]), ARGV[7] == '1'

local names = {'tat', 'paused_until', 'blocked_until', 'day', 'used', 'level', 'good', 'step',
  'bad', 'bad_until', 'level_since', 'last_429', 'seen'}
local defaults = {0, 0, 0, 0, 0, 1, 1, FIRST_STEP, 0, 0, 0, 0, 0}
local raw = redis.call('HMGET', key, unpack(names))
local s = {}
for i, name in ipairs(names) do
  s[name] = tonumber(raw[i]) or defaults[i]
end

-- A clock set back by more than STEP moves every time in the state back with it, so that the
-- step delays nothing.
local back = s.seen - now
if back > STEP then
  for _, name in ipairs({'tat', 'paused_until', 'blocked_until', 'bad_until', 'level_since',
      'last_429'}) do
    s[name] = s[name] - back
  end
  s.seen = now
else
  s.seen = math.max(s.seen, now)
end

local function save()
  local args = {}
  for _, name in ipairs(names) do
    args[#args + 1] = name
    args[#args + 1] = string.format('%.17g', s[name])
  end
  redis.call('HSET', key, unpack(args))
  redis.call('PEXPIRE', key, 2 * 86400000)
end

local function interval()
  return math.ceil(1e6 / (rate * s.level * (1 - margin)))
end

local function tolerance()
  return interval() * (math.max(burst, 1) - 1)
end

-- A clock stepped back to an earlier day keeps the later day's count.
local function roll_day()
  local day = math.floor(now / DAY)
  if day > s.day then
    s.day = day
    s.used = 0
  end
  return s.day
end

local function probe()
  if s.bad > 0 and now >= s.bad_until then
    s.bad = 0
  end
  if now - s.level_since < PROBE_EVERY then
    return
  end
  if s.level > s.good then
    s.good = s.level
    s.step = math.min(s.step * 2, MAX_STEP)
  end
  local cap = 1
  if s.bad > 0 then
    cap = math.min(s.bad * HEADROOM, 1)
  end
  if s.level < cap and (cap >= 1 or cap >= s.level * (1 + FIRST_STEP)) then
    s.level = math.min(cap, s.level * (1 + s.step))
    s.level_since = now
  end
end

if op == 'acquire' then
  -- {1, granted_at} | {2, wait} | {3, blocked for} | {4, budget, resets in}
  if s.blocked_until > now then
    save()
    return {3, s.blocked_until - now}
  end
  local day = roll_day()
  if budget >= 0 and s.used >= budget then
    save()
    return {4, budget, (day + 1) * DAY - now}
  end
  if adaptive and now >= s.paused_until then
    probe()
  end
  local earliest = math.max(s.tat - tolerance(), s.paused_until)
  if now < earliest then
    save()
    return {2, earliest - now}
  end
  s.tat = math.max(s.tat, now) + interval()
  s.used = s.used + 1
  save()
  return {1, now}
elseif op == 'throttled' then
  -- 1 for a pause, 0 for a block
  local granted_at, wait, cap = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
  if wait > cap then
    s.blocked_until = math.max(s.blocked_until, now + wait)
    save()
    return 0
  end
  local previous = s.paused_until
  s.paused_until = math.max(s.paused_until, now + wait)
  if adaptive and granted_at > s.last_429 then
    if s.level > s.good then
      s.bad = s.level
      s.bad_until = now + MEMORY
      s.level = math.min(s.good, s.bad * HEADROOM)
      s.good = s.level
    elseif previous > 0 and granted_at < previous + STRIKE_WINDOW then
      s.bad = s.level
      s.bad_until = now + MEMORY
      s.level = math.max(s.level * DEEP, FLOOR)
      s.good = s.level
    else
      s.level = math.max(s.level * SHALLOW, FLOOR)
      s.good = s.level
    end
    s.step = FIRST_STEP
    s.level_since = s.paused_until
    s.last_429 = now
  end
  s.tat = math.max(s.tat, s.paused_until + tolerance())
  save()
  return 1
elseif op == 'snapshot' then
  -- {used, resets in, level, paused for, blocked for}
  local day = roll_day()
  save()
  return {s.used, (day + 1) * DAY - now, string.format('%.17g', s.level),
    math.max(0, s.paused_until - now), math.max(0, s.blocked_until - now)}
end
return redis.error_reply('unknown quota operation ' .. tostring(op))
