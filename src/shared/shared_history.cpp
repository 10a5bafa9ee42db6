#include "shared/shared_history.h"

#include <algorithm>
#include <cstdlib>

#include "shared/shared_buckets.h"
#include "util/hex.h"

namespace spamgate {
namespace {

double seconds_of(TimePoint t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

}  // namespace

bool SharedHistory::take_rate_token(std::string_view ip, double per_minute, double burst, TimePoint now) {
  const bool local = local_.take_rate_token(ip, per_minute, burst, now);
  Result<SharedTake> shared =
      take_shared_tokens(redis_, {{redis_.key("rate:" + std::string(ip)), burst, per_minute / 60.0}}, seconds_of(now));
  return shared ? shared->taken : local;
}

bool SharedHistory::seen_recently(uint64_t body_hash, int window_seconds, TimePoint now) {
  const bool local = local_.seen_recently(body_hash, window_seconds, now);
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(body_hash >> (56 - 8 * i));
  const int64_t t = unix_seconds(now);
  // SET ... GET: records this sighting and returns the previous one, in one round trip.
  Result<RedisReply> previous = redis_.run({"SET", redis_.key("dup:" + to_hex(bytes, sizeof bytes)), std::to_string(t),
                                            "EX", std::to_string(std::max(window_seconds, hash_keep_seconds_)), "GET"});
  if (!previous) return local;
  if (previous->is_nil()) return false;
  return t - std::strtoll(previous->str.c_str(), nullptr, 10) < window_seconds;
}

}  // namespace spamgate
