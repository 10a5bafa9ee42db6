// SharedHistory: the SubmissionHistory of a node among several — RATE_IP
// buckets and DUPLICATE body hashes in Redis, so a bot that spreads its
// posts over the nodes gets one node's allowance and the same text is
// seen once. A request's questions go to Redis together, in one script
// call: one round trip per request. Every call also updates this node's
// own StoredHistory, which answers whenever Redis does not (down, slow): no
// request waits or fails because of Redis.
#pragma once

#include "scoring/history.h"
#include "shared/redis_link.h"

namespace spamgate {

class SharedHistory final : public SubmissionHistory {
 public:
  // `redis` and `local` must outlive this. Body hashes stay in Redis for
  // max(window, hash_keep_seconds).
  SharedHistory(RedisLink& redis, SubmissionHistory& local, int hash_keep_seconds = 86400)
      : redis_(redis), local_(local), hash_keep_seconds_(hash_keep_seconds) {}

  HistoryAnswers answer(const HistoryQuestions& questions, TimePoint now) override;
  bool take_rate_token(std::string_view ip, double per_minute, double burst, TimePoint now) override;
  bool seen_recently(uint64_t body_hash, int window_seconds, TimePoint now) override;

 private:
  RedisLink& redis_;
  SubmissionHistory& local_;
  int hash_keep_seconds_;
};

}  // namespace spamgate
