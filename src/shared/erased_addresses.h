// ErasedAddresses: the site's record of privacy erasures, so that an erasure
// outlives the learning stream's trimming and snapshots. A node that was
// away when an address was erased, or joins later with a history of its own,
// reads it and erases what it holds of that address (from before the
// erasure) instead of bringing it back; every node drops such data when it
// arrives from the stream, and the review mirror refuses such rows.
// Kept in Redis as one sorted set, PREFIX:erased: member the address's
// SHA-256 (hex, ASCII letters lower-cased: never the address itself), score
// the unix time of its latest erasure. It never expires: a joining node's
// history may be of any age (about 100 bytes an erased address). Anything
// read back may be malformed: logged, counted and skipped, never trusted.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "shared/redis_link.h"
#include "util/result.h"

namespace spamgate {

// Email digest -> unix seconds of its latest erasure.
using ErasureTimes = std::map<std::string, int64_t>;

// True for 64 lower-case hex digits: the shape of an address's digest.
bool is_email_digest(std::string_view text);

// The sorted set's key (also for the review mirror's script).
std::string erased_addresses_key(const RedisLink& redis);

// Records that the address with `digest` was erased at `erased_at` (an
// earlier time recorded for it is moved up, a later one kept). Error: Redis
// did not take it, or `digest` is not a digest.
Status record_erasure(RedisLink& redis, const std::string& digest, int64_t erased_at);

struct ErasureRead {
  ErasureTimes times;
  uint64_t malformed = 0;  // members that are not a digest or scores that are not a time, skipped
};
// Every erasure recorded. Error: Redis did not answer.
Result<ErasureRead> read_erasures(RedisLink& redis);

// True when `times` says the address with `digest` was erased at or after
// `created_at`: what was made then is covered by that erasure.
bool erased_since(const ErasureTimes& times, const std::string& digest, int64_t created_at);

}  // namespace spamgate
