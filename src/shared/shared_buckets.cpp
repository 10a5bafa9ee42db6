#include "shared/shared_buckets.h"

#include <cstdio>
#include <cstdlib>

namespace spamgate {
namespace {

// KEYS: the buckets. ARGV: now, take (1) or give back (0), then capacity
// and per-second rate for each bucket. Returns {taken, tokens...} with
// tokens as strings (Lua numbers would be cut to integers).
const RedisScript& buckets_script() {
  static const RedisScript script(lua_bucket_functions() + R"lua(
local now = tonumber(ARGV[1])
local take = ARGV[2] == '1'
local tokens = {}
local short = false
for i, key in ipairs(KEYS) do
  tokens[i] = refill(key, tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i]), now)
  if tokens[i] < 1 then short = true end
end
local taken = take and not short
local out = {taken and 1 or 0}
for i, key in ipairs(KEYS) do
  local cap = tonumber(ARGV[1 + 2 * i])
  local t = tokens[i]
  if taken then t = t - 1 elseif not take then t = math.min(cap, t + 1) end
  if taken or not take then store(key, cap, tonumber(ARGV[2 + 2 * i]), now, t) end
  out[#out + 1] = tostring(t)
end
return out
)lua");
  return script;
}

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6f", value);
  return text;
}

Result<SharedTake> call(RedisLink& redis, const std::vector<SharedBucket>& buckets, double now, bool take) {
  std::vector<std::string> keys, args{number(now), take ? "1" : "0"};
  for (const SharedBucket& b : buckets) {
    keys.push_back(b.key);
    args.push_back(number(b.capacity));
    args.push_back(number(b.per_second));
  }
  Result<RedisReply> reply = redis.eval(buckets_script(), keys, args);
  if (!reply) return Error{reply.error()};
  if (reply->type != RedisReply::Type::array || reply->elements.size() != buckets.size() + 1)
    return Error{"unexpected reply from the bucket script"};
  SharedTake out;
  out.taken = reply->elements[0].integer == 1;
  for (size_t i = 1; i < reply->elements.size(); ++i) out.tokens.push_back(std::strtod(reply->elements[i].str.c_str(), nullptr));
  return out;
}

}  // namespace

const std::string& lua_bucket_functions() {
  static const std::string functions = R"lua(
local function refill(key, cap, rate, now)
  local b = redis.call('HMGET', key, 't', 'u')
  local t = tonumber(b[1]) or cap
  local u = tonumber(b[2]) or now
  if now > u then t = t + (now - u) * rate end
  if t > cap then t = cap end
  return t
end
local function store(key, cap, rate, now, t)
  redis.call('HSET', key, 't', tostring(t), 'u', tostring(now))
  local full_in = 86400
  if rate > 0 then full_in = math.ceil((cap - t) / rate) + 1 end
  redis.call('EXPIRE', key, full_in)
end
)lua";
  return functions;
}

Result<SharedTake> take_shared_tokens(RedisLink& redis, const std::vector<SharedBucket>& buckets, double now) {
  return call(redis, buckets, now, true);
}

Status refund_shared_tokens(RedisLink& redis, const std::vector<SharedBucket>& buckets, double now) {
  Result<SharedTake> done = call(redis, buckets, now, false);
  return done ? Status::success() : Status{Error{done.error()}};
}

}  // namespace spamgate
