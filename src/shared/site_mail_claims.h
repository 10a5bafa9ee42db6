// SiteMailClaims: the one place that says which node mails for the whole
// site when several nodes share Redis, so the owner gets one review digest
// per period and one storm digest per interval, not one per node. (The
// daily and hourly caps themselves are counted in Redis by shared_buckets,
// through MailCaps.) Each answer is one Lua script call. An error means
// Redis did not answer: the caller then decides on its own node's state
// (its own digest rather than none). It never composes or sends mail.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shared/redis_link.h"
#include "util/result.h"

namespace spamgate {

// This node's turn at the review digest.
struct ReviewDigestTurn {
  // This node's part was mailed in a site digest up to this time (unix
  // seconds): its next part starts there. The part just offered was dropped.
  std::optional<int64_t> mailed_until;
  bool claimed = false;            // this node mails the site's digest now, from `parts`
  int64_t previous = 0;            // the site's previous digest (unix seconds; 0 = none)
  std::vector<std::string> parts;  // when claimed: every node's latest part, taken out of Redis
};

class SiteMailClaims {
 public:
  explicit SiteMailClaims(RedisLink& redis) : redis_(redis) {}

  // Offers this node's part of the review digest (what it blocked since its
  // part was last mailed, up to `now`) and asks for the period. The
  // period is claimed when the site's last digest is `period` old (or there
  // was none) and it has been due for `grace` seconds, so every node has
  // offered a part since it fell due; the claimer takes every part.
  Result<ReviewDigestTurn> review_digest(const std::string& part, int64_t now, int64_t period, int64_t grace);

  // Asks for the site's storm digest (held mail over the hourly cap) for the
  // next `interval`. nullopt: this node sends it; otherwise how long until
  // another node's turn ends.
  Result<std::optional<std::chrono::milliseconds>> storm_digest(std::chrono::milliseconds interval);

 private:
  RedisLink& redis_;
};

}  // namespace spamgate
