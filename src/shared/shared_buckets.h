// Token buckets in Redis, for counters every node must share (RATE_IP per
// client address, the mail caps). One round trip per check: a Lua script
// refills each bucket by the time passed, then takes one token from every
// bucket or from none. Keys expire once a bucket would be full again, so
// Redis only holds buckets in use.
#pragma once

#include <string>
#include <vector>

#include "shared/redis_link.h"

namespace spamgate {

struct SharedBucket {
  std::string key;  // the full Redis key (RedisLink::key)
  double capacity = 0;
  double per_second = 0;  // refill rate
};

struct SharedTake {
  bool taken = false;         // a token came from every bucket
  std::vector<double> tokens;  // each bucket's tokens after the call (before taking, when refused)
};

// Takes one token from every bucket in `buckets` at `now` (unix seconds),
// or from none when any holds less than one. A bucket never seen is full.
Result<SharedTake> take_shared_tokens(RedisLink& redis, const std::vector<SharedBucket>& buckets, double now);

// Gives one token back to every bucket (never above its capacity).
Status refund_shared_tokens(RedisLink& redis, const std::vector<SharedBucket>& buckets, double now);

// The Lua functions every script that keeps a bucket starts with, so all
// agree on its layout (hash fields t = tokens, u = updated) and expiry:
//   refill(key, cap, rate, now) -> the tokens in the bucket now;
//   store(key, cap, rate, now, tokens) writes them and sets the expiry.
const std::string& lua_bucket_functions();

}  // namespace spamgate
