// Body fingerprints for DUPLICATE: the same message with different spacing
// or capitals gets the same 64-bit hash. Only a hash is ever kept, never text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace spamgate {

// `body` trimmed, with every run of ASCII whitespace made one space and
// ASCII letters lower-cased (other bytes, UTF-8 included, are kept as they are).
std::string normalize_body(std::string_view body);

// The first 8 bytes (big-endian) of SHA-256 over normalize_body(body). Stable
// across builds and machines, so stored hashes stay comparable.
uint64_t body_hash(std::string_view body);
// The same hash of a body normalize_body() already returned.
uint64_t normalized_body_hash(std::string_view normalized);

}  // namespace spamgate
