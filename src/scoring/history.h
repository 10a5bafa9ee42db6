// SubmissionHistory: the state the stateful built-in checks need across
// requests (RATE_IP token buckets, DUPLICATE body hashes). An interface so
// the scorer knows nothing of where it lives: in memory with SQLite
// write-behind (store/), a fake in unit tests, or Redis one day.
// Implementations must be safe to call from many request threads at once.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/clock.h"

namespace spamgate {

class SubmissionHistory {
 public:
  virtual ~SubmissionHistory() = default;

  // Takes one token from `ip`'s bucket (refilled at per_minute tokens per
  // minute up to burst). Returns false when the bucket was empty.
  virtual bool take_rate_token(std::string_view ip, double per_minute, double burst, TimePoint now) = 0;

  // Records that a body with `body_hash` was seen now. Returns true when the
  // same hash had been seen within the last `window_seconds`.
  virtual bool seen_recently(uint64_t body_hash, int window_seconds, TimePoint now) = 0;
};

}  // namespace spamgate
