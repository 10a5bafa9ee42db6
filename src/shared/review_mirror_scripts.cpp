#include "shared/review_mirror_scripts.h"

#include <string>

namespace spamgate {
namespace {

// Helpers every script starts with: a row decoded and checked (nil when
// malformed), its index keys, the rule names of its "rules" column, and a
// page item as the C++ side reads it.
const std::string kCommon = R"lua(
local function decode_row(text)
  local ok, r = pcall(cjson.decode, text or '')
  if not ok or type(r) ~= 'table' or type(r.id) ~= 'string' or type(r.created_at) ~= 'number' then return nil end
  for _, name in ipairs({'action', 'kind', 'rules', 'form_name', 'form_id', 'email_sha256', 'content'}) do
    if type(r[name]) ~= 'string' then return nil end
  end
  return r
end
local function rule_names(rules)
  local names = {}
  for rule in string.gmatch(rules, '[^,]+') do table.insert(names, rule) end
  return names
end
local function index_keys(p, r)
  local keys = {p .. 'idx:all', p .. 'idx:action:' .. r.action, p .. 'idx:kind:' .. r.kind}
  if not (r.kind == 'comment' and r.action == 'hold') then table.insert(keys, p .. 'idx:listed') end
  if r.form_name ~= '' then
    table.insert(keys, p .. 'idx:form:' .. r.form_name)
    if r.form_id ~= '' then
      table.insert(keys, p .. 'idx:formid:' .. #r.form_name .. ':' .. r.form_name .. ':' .. r.form_id)
    end
  end
  if r.email_sha256 ~= '' then table.insert(keys, p .. 'idx:email:' .. r.email_sha256) end
  for _, rule in ipairs(rule_names(r.rules)) do table.insert(keys, p .. 'idx:rule:' .. rule) end
  return keys
end
-- Ready-made indexes and counts by segment: a row is listed (L) or a held
-- comment (H), and undecided (U) or decided (D). The segment's sorted set
-- for listed rows, else nil (held comments are found through idx:undecided
-- and idx:decided, which hold both).
local function is_held_comment(r) return r.kind == 'comment' and r.action == 'hold' end
local function segment(r, decided)
  return (is_held_comment(r) and 'H' or 'L') .. (decided and 'D' or 'U')
end
local function state_keys(p, r, decided)
  local state = decided and 'decided' or 'undecided'
  local keys = {p .. 'idx:' .. state}
  if not is_held_comment(r) then table.insert(keys, p .. 'idx:listed:' .. state) end
  return keys
end
-- Each counted row's "SEGMENT RULES" sits in the hash `counted`, and
-- count:SEGMENT holds the hits per rule of that segment's rows, so the
-- list's reasons are a few HGETALLs, not an intersection per rule.
-- recount moves row `id` to `entry` (nil: uncounts it).
local function recount(p, id, entry)
  local old = redis.call('HGET', p .. 'counted', id)
  if old == entry then return end
  if old then
    local seg, rules = string.match(old, '^(%u%u) (.*)$')
    if seg then
      for _, rule in ipairs(rule_names(rules)) do
        if redis.call('HINCRBY', p .. 'count:' .. seg, rule, -1) <= 0 then redis.call('HDEL', p .. 'count:' .. seg, rule) end
      end
    end
  end
  if entry then
    local seg, rules = string.match(entry, '^(%u%u) (.*)$')
    for _, rule in ipairs(rule_names(rules)) do redis.call('HINCRBY', p .. 'count:' .. seg, rule, 1) end
    redis.call('HSET', p .. 'counted', id, entry)
  else
    redis.call('HDEL', p .. 'counted', id)
  end
end
-- Rows past the retention leave idx:all and the counts (their items have
-- expired already); the other indexes are trimmed where they are used.
local function expire_old(p, cutoff)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. 'idx:all', '-inf', '(' .. cutoff)) do recount(p, id, nil) end
  redis.call('ZREMRANGEBYSCORE', p .. 'idx:all', '-inf', '(' .. cutoff)
end
local function page_item(p, id)
  local f = redis.call('HMGET', p .. 'item:' .. id, 'row', 'decision', 'decided_at')
  return {id, f[1] or '', f[2] or '', f[3] or ''}
end
)lua";

}  // namespace

const RedisScript kMirrorRows(kCommon + R"lua(
local p, now, keep = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local touched, stored, malformed, erased = {}, 0, 0, 0
local function was_erased(r)
  if r.email_sha256 == '' then return false end
  local at = tonumber(redis.call('ZSCORE', KEYS[1], r.email_sha256))
  return at ~= nil and r.created_at <= at
end
expire_old(p, now - keep)
for i = 4, #ARGV do
  local r = decode_row(ARGV[i])
  if not r then
    malformed = malformed + 1
  elseif was_erased(r) then
    erased = erased + 1
  else
    local ttl = math.floor(r.created_at + keep - now)
    if ttl > 0 then
      local item = p .. 'item:' .. r.id
      redis.call('HSET', item, 'row', ARGV[i])
      redis.call('EXPIRE', item, ttl)
      if (r.decision == 'ham' or r.decision == 'spam') and redis.call('HEXISTS', item, 'decision') == 0 then
        redis.call('HSET', item, 'decision', r.decision, 'decided_at', tostring(r.decided_at))
      end
      local decided = redis.call('HEXISTS', item, 'decision') == 1
      local keys = index_keys(p, r)
      for _, key in ipairs(state_keys(p, r, decided)) do table.insert(keys, key) end
      for _, key in ipairs(state_keys(p, r, not decided)) do redis.call('ZREM', key, r.id) end
      recount(p, r.id, segment(r, decided) .. ' ' .. r.rules)
      for _, key in ipairs(keys) do
        redis.call('ZADD', key, r.created_at, r.id)
        touched[key] = true
      end
      for _, rule in ipairs(rule_names(r.rules)) do redis.call('SADD', p .. 'rules', rule) end
      stored = stored + 1
    end
  end
end
for key in pairs(touched) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (now - keep))
  redis.call('EXPIRE', key, keep)
end
redis.call('EXPIRE', p .. 'rules', keep)
redis.call('EXPIRE', p .. 'counted', keep)
for _, seg in ipairs({'LU', 'LD', 'HU', 'HD'}) do redis.call('EXPIRE', p .. 'count:' .. seg, keep) end
return {stored, malformed, erased}
)lua");

const RedisScript kMirrorDecide(kCommon + R"lua(
local p, id = ARGV[1], ARGV[2]
local row = redis.call('HGET', KEYS[1], 'row')
if not row then return false end
local previous = redis.call('HGET', KEYS[1], 'decision') or ''
redis.call('HSET', KEYS[1], 'decision', ARGV[3], 'decided_at', ARGV[4])
local created = redis.call('ZSCORE', p .. 'idx:all', id)
redis.call('ZREM', p .. 'idx:undecided', id)
redis.call('ZREM', p .. 'idx:listed:undecided', id)
local r = decode_row(row)
if created and r then
  for _, key in ipairs(state_keys(p, r, true)) do
    redis.call('ZADD', key, created, id)
    redis.call('EXPIRE', key, ARGV[5])
  end
  recount(p, id, segment(r, true) .. ' ' .. r.rules)
end
return {row, previous}
)lua");

const RedisScript kMirrorList(kCommon + R"lua(
local p, cutoff, since = ARGV[1], ARGV[2], tonumber(ARGV[3])
local offset, count, rule, text = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], ARGV[7]
expire_old(p, cutoff)
for i = 3, #KEYS do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. cutoff) end
local base = KEYS[3]
if #KEYS > 3 or since > 0 then
  base = KEYS[1]
  local args = {'ZINTERSTORE', base, #KEYS - 2}
  for i = 3, #KEYS do table.insert(args, KEYS[i]) end
  table.insert(args, 'AGGREGATE')
  table.insert(args, 'MAX')
  redis.call(unpack(args))
  if since > 0 then redis.call('ZREMRANGEBYSCORE', base, '-inf', '(' .. since) end
end
local ids, total, reasons = {}, 0, {}
local function add_reason(name, n)  -- a rule and how many of the matches it holds, when any
  if n > 0 then
    table.insert(reasons, name)
    table.insert(reasons, n)
  end
end
if text == '' then
  local listing = base
  if rule ~= '' then
    listing = KEYS[2]
    redis.call('ZINTERSTORE', listing, 2, base, p .. 'idx:rule:' .. rule, 'AGGREGATE', 'MAX')
  end
  total = redis.call('ZCARD', listing)
  ids = redis.call('ZREVRANGE', listing, offset, offset + count - 1)
  if #ARGV > 7 then
    -- The matches are whole segments (ARGV[8...]): their kept counts.
    local sums = {}
    for i = 8, #ARGV do
      local counts = redis.call('HGETALL', p .. 'count:' .. ARGV[i])
      for j = 1, #counts, 2 do sums[counts[j]] = (sums[counts[j]] or 0) + tonumber(counts[j + 1]) end
    end
    for name, n in pairs(sums) do add_reason(name, n) end
  else
    for _, name in ipairs(redis.call('SMEMBERS', p .. 'rules')) do
      add_reason(name, redis.call('ZINTERCARD', 2, base, p .. 'idx:rule:' .. name))
    end
  end
else
  -- No index for text: every candidate row is read, newest first. The
  -- match is ASCII case-insensitive, as the store's LIKE.
  local hits = {}
  local function field(c, name) return type(c[name]) == 'string' and c[name] or '' end
  for _, id in ipairs(redis.call('ZREVRANGE', base, 0, -1)) do
    local r = decode_row(redis.call('HGET', p .. 'item:' .. id, 'row'))
    local ok, c = pcall(cjson.decode, r and r.content or '')
    if r and ok and type(c) == 'table' then
      local haystack = string.lower(field(c, 'author') .. ' ' .. field(c, 'email') .. ' ' .. field(c, 'url') ..
                                    ' ' .. field(c, 'subject') .. ' ' .. field(c, 'body'))
      if string.find(haystack, text, 1, true) then
        local has_rule = rule == ''
        for _, name in ipairs(rule_names(r.rules)) do
          hits[name] = (hits[name] or 0) + 1
          if name == rule then has_rule = true end
        end
        if has_rule then
          total = total + 1
          if total > offset and #ids < count then table.insert(ids, id) end
        end
      end
    end
  end
  for name, n in pairs(hits) do add_reason(name, n) end
end
local items = {}
for _, id in ipairs(ids) do table.insert(items, page_item(p, id)) end
redis.call('DEL', KEYS[1], KEYS[2])
return {total, items, reasons}
)lua");

const RedisScript kMirrorItems(kCommon + R"lua(
local items = {}
for _, id in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)) do
  table.insert(items, page_item(ARGV[1], id))
end
return items
)lua");

const RedisScript kMirrorErase(kCommon + R"lua(
local p, erased = ARGV[1], 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local item = p .. 'item:' .. id
  local r = decode_row(redis.call('HGET', item, 'row'))
  if r then
    for _, key in ipairs(index_keys(p, r)) do redis.call('ZREM', key, id) end
  end
  for _, state in ipairs({'undecided', 'decided', 'listed:undecided', 'listed:decided'}) do
    redis.call('ZREM', p .. 'idx:' .. state, id)
  end
  recount(p, id, nil)
  redis.call('ZREM', p .. 'idx:all', id)
  erased = erased + redis.call('DEL', item)
  redis.call('DEL', p .. 'delivered:' .. id)
end
redis.call('DEL', KEYS[1])
return erased
)lua");

}  // namespace spamgate
