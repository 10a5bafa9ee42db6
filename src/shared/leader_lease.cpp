#include "shared/leader_lease.h"

namespace spamgate {
namespace {

// KEYS[1]: the lease. ARGV: this node, the lease in ms. Returns the holder.
const RedisScript kClaim(R"lua(
local holder = redis.call('GET', KEYS[1])
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return holder
)lua");

}  // namespace

bool LeaderLease::refresh() {
  const auto started = std::chrono::steady_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(lease_).count();
  Result<RedisReply> holder = redis_.eval(kClaim, {redis_.key("leader")}, {redis_.node(), std::to_string(ms)});
  std::lock_guard lock(mutex_);
  if (holder) {
    leader_ = holder->str;
    held_until_ = leader_ == redis_.node() ? started + lease_ : std::chrono::steady_clock::time_point{};
  }
  return std::chrono::steady_clock::now() < held_until_;
}

bool LeaderLease::leading() const {
  std::lock_guard lock(mutex_);
  return std::chrono::steady_clock::now() < held_until_;
}

std::string LeaderLease::leader() const {
  std::lock_guard lock(mutex_);
  return leader_;
}

}  // namespace spamgate
