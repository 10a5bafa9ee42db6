#include "shared/erased_addresses.h"

#include <charconv>
#include <cmath>
#include <optional>

#include "util/hex.h"

namespace spamgate {
namespace {

// A sorted set's score as Redis prints it, when it is a whole, non-negative
// number of seconds.
std::optional<int64_t> whole_seconds(const std::string& text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value) || value < 0 || value > 9e15 || std::floor(value) != value) return std::nullopt;
  return static_cast<int64_t>(value);
}

}  // namespace

bool is_email_digest(std::string_view text) { return is_lower_hex(text, 64); }

std::string erased_addresses_key(const RedisLink& redis) { return redis.key("erased"); }

Status record_erasure(RedisLink& redis, const std::string& digest, int64_t erased_at) {
  if (!is_email_digest(digest)) return Error{"an erasure is recorded by the address's SHA-256 only"};
  Result<RedisReply> added =
      redis.run({"ZADD", erased_addresses_key(redis), "GT", std::to_string(erased_at), digest});
  if (!added) return Error{"the erasure could not be recorded for the site: " + added.error()};
  return Status::success();
}

Result<ErasureRead> read_erasures(RedisLink& redis) {
  Result<RedisReply> all = redis.run({"ZRANGE", erased_addresses_key(redis), "0", "-1", "WITHSCORES"});
  if (!all) return Error{"the site's erasures could not be read: " + all.error()};
  ErasureRead read;
  if (all->type != RedisReply::Type::array) {
    read.malformed = 1;
    return read;
  }
  for (size_t i = 0; i + 1 < all->elements.size(); i += 2) {
    const std::string& digest = all->elements[i].str;
    const std::optional<int64_t> at = whole_seconds(all->elements[i + 1].str);
    if (!is_email_digest(digest) || !at) {
      ++read.malformed;
      continue;
    }
    read.times[digest] = *at;
  }
  return read;
}

bool erased_since(const ErasureTimes& times, const std::string& digest, int64_t created_at) {
  const auto it = times.find(digest);
  return it != times.end() && created_at <= it->second;
}

}  // namespace spamgate
