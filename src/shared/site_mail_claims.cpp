#include "shared/site_mail_claims.h"

namespace spamgate {
namespace {

// KEYS: the last digest's time, the time it fell due, the parts (node ->
// JSON), their ends (node -> time), the ends already mailed (node -> time).
// ARGV: node, part (up to now), now, period, grace, the keys' time to live.
// Returns {mailed until or "", 1 when claimed, the previous digest's time,
// the parts taken...}.
const RedisScript kReviewDigest(R"lua(
local mailed = redis.call('HGET', KEYS[5], ARGV[1])
if mailed then
  redis.call('HDEL', KEYS[5], ARGV[1])
else
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
  redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
end
for i = 3, 5 do redis.call('EXPIRE', KEYS[i], ARGV[6]) end
local now, period, grace = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local previous = tonumber(redis.call('GET', KEYS[1]) or '0')
local reply = {mailed or '', 0, previous}
if previous > 0 and now < previous + period then return reply end
local due = tonumber(redis.call('GET', KEYS[2]) or '0')
if due == 0 then
  redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[6])
  due = now
end
if now < due + grace then return reply end
redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[6])
redis.call('DEL', KEYS[2])
reply[2] = 1
for _, part in ipairs(redis.call('HVALS', KEYS[3])) do table.insert(reply, part) end
local ends = redis.call('HGETALL', KEYS[4])
for i = 1, #ends, 2 do redis.call('HSET', KEYS[5], ends[i], ends[i + 1]) end
redis.call('EXPIRE', KEYS[5], ARGV[6])
redis.call('DEL', KEYS[3], KEYS[4])
return reply
)lua");

// KEYS[1]: the turn. ARGV: this node, the interval in ms. Returns -1 when
// this node takes the turn, else the ms left of another node's.
const RedisScript kStormDigest(R"lua(
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
return math.max(redis.call('PTTL', KEYS[1]), 1)
)lua");

}  // namespace

Result<ReviewDigestTurn> SiteMailClaims::review_digest(const std::string& part, int64_t now, int64_t period,
                                                       int64_t grace) {
  const std::vector<std::string> keys = {redis_.key("digest:at"), redis_.key("digest:due"), redis_.key("digest:parts"),
                                         redis_.key("digest:ends"), redis_.key("digest:mailed")};
  // Long enough to outlive a period; state of nodes gone for good expires.
  const int64_t ttl = 2 * period + grace;
  Result<RedisReply> reply = redis_.eval(kReviewDigest, keys,
                                         {redis_.node(), part, std::to_string(now), std::to_string(period),
                                          std::to_string(grace), std::to_string(ttl)});
  if (!reply) return Error{reply.error()};
  const std::vector<RedisReply>& e = reply->elements;
  if (reply->type != RedisReply::Type::array || e.size() < 3) return Error{"unexpected reply to the digest claim"};
  ReviewDigestTurn turn;
  if (!e[0].str.empty()) turn.mailed_until = std::stoll(e[0].str);
  turn.claimed = e[1].integer == 1;
  turn.previous = e[2].integer;
  for (size_t i = 3; i < e.size(); ++i) turn.parts.push_back(e[i].str);
  return turn;
}

Result<std::optional<std::chrono::milliseconds>> SiteMailClaims::storm_digest(std::chrono::milliseconds interval) {
  Result<RedisReply> reply =
      redis_.eval(kStormDigest, {redis_.key("storm-digest")}, {redis_.node(), std::to_string(interval.count())});
  if (!reply) return Error{reply.error()};
  if (reply->integer < 0) return std::optional<std::chrono::milliseconds>();
  return std::optional<std::chrono::milliseconds>(reply->integer);
}

}  // namespace spamgate
