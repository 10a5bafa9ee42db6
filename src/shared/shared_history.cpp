#include "shared/shared_history.h"

#include <algorithm>
#include <cstdlib>

#include "shared/shared_buckets.h"
#include "util/clock.h"
#include "util/hex.h"

namespace spamgate {
namespace {

// KEYS: the IP's bucket when asked, then the body's key when asked. ARGV:
// now, rate asked (1/0), duplicate asked (1/0), the bucket's capacity and
// per-second rate, the unix second to record, the body key's expiry.
// Returns {1 taken, 0 refused or -1 not asked; the body's previous sighting
// or ""}. SET ... GET records this sighting and returns the last one.
const RedisScript& history_script() {
  static const RedisScript script(lua_bucket_functions() + R"lua(
local now = tonumber(ARGV[1])
local out = {-1, ''}
local k = 1
if ARGV[2] == '1' then
  local cap, rate = tonumber(ARGV[4]), tonumber(ARGV[5])
  local t = refill(KEYS[k], cap, rate, now)
  if t >= 1 then
    store(KEYS[k], cap, rate, now, t - 1)
    out[1] = 1
  else
    out[1] = 0
  end
  k = k + 1
end
if ARGV[3] == '1' then
  out[2] = redis.call('SET', KEYS[k], ARGV[6], 'EX', ARGV[7], 'GET') or ''
end
return out
)lua");
  return script;
}

}  // namespace

HistoryAnswers SharedHistory::answer(const HistoryQuestions& questions, TimePoint now) {
  const HistoryAnswers local = local_.answer(questions, now);
  const int64_t second = unix_seconds(now);
  std::vector<std::string> keys;
  std::vector<std::string> args{std::to_string(std::chrono::duration<double>(now.time_since_epoch()).count()),
                                questions.rate ? "1" : "0", questions.duplicate ? "1" : "0", "0", "0", "0", "0"};
  if (const auto& rate = questions.rate) {
    keys.push_back(redis_.key("rate:" + std::string(rate->ip)));
    args[3] = std::to_string(rate->burst);
    args[4] = std::to_string(rate->per_minute / 60.0);
  }
  if (const auto& duplicate = questions.duplicate) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(duplicate->body_hash >> (56 - 8 * i));
    keys.push_back(redis_.key("dup:" + to_hex(bytes, sizeof bytes)));
    args[5] = std::to_string(second);
    args[6] = std::to_string(std::max(duplicate->window_seconds, hash_keep_seconds_));
  }
  Result<RedisReply> reply = redis_.eval(history_script(), keys, args);
  if (!reply || reply->type != RedisReply::Type::array || reply->elements.size() != 2) return local;
  HistoryAnswers shared;
  shared.rate_limited = questions.rate && reply->elements[0].integer == 0;
  if (const auto& duplicate = questions.duplicate) {
    const std::string& previous = reply->elements[1].str;
    shared.duplicate = !previous.empty() && second - std::strtoll(previous.c_str(), nullptr, 10) < duplicate->window_seconds;
  }
  return shared;
}

bool SharedHistory::take_rate_token(std::string_view ip, double per_minute, double burst, TimePoint now) {
  HistoryQuestions questions;
  questions.rate = {ip, per_minute, burst};
  return !answer(questions, now).rate_limited;
}

bool SharedHistory::seen_recently(uint64_t body_hash, int window_seconds, TimePoint now) {
  HistoryQuestions questions;
  questions.duplicate = {body_hash, window_seconds};
  return answer(questions, now).duplicate;
}

}  // namespace spamgate
