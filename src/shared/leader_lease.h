// LeaderLease: elects one node among several for the jobs only one may do
// (bounce watch reads the shared mailbox; the learning stream's snapshot).
// A lease in Redis with a time to live, renewed by its holder; when the
// leader dies another node takes over within the lease time. A node that
// cannot reach Redis stops leading once its lease would have run out.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "shared/redis_link.h"

namespace spamgate {

class LeaderLease {
 public:
  explicit LeaderLease(RedisLink& redis, std::chrono::seconds lease = std::chrono::seconds(15))
      : redis_(redis), lease_(lease) {}

  // Takes the lease when free, renews it when held. Call every few seconds
  // (well within the lease). Returns whether this node leads now.
  bool refresh();
  bool leading() const;
  // The leader's node name as last seen ("" = unknown).
  std::string leader() const;

 private:
  RedisLink& redis_;
  const std::chrono::seconds lease_;
  mutable std::mutex mutex_;
  std::string leader_;
  std::chrono::steady_clock::time_point held_until_{};  // while this node leads
};

}  // namespace spamgate
