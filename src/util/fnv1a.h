// 64-bit FNV-1a: a hash of bytes that is the same on every build and
// machine (unlike std::hash), for ids, fingerprints and feature slots that
// are saved, shared between nodes or compared across runs.
#pragma once

#include <cstdint>
#include <string_view>

namespace spamgate {

// The hash of no bytes.
inline constexpr uint64_t kFnv1aBasis = 0xcbf29ce484222325ULL;

// `hash` with one byte more.
inline uint64_t fnv1a(uint64_t hash, char byte) {
  return (hash ^ static_cast<unsigned char>(byte)) * 0x100000001b3ULL;
}

// `hash` with `bytes` more; fnv1a(kFnv1aBasis, bytes) is the hash of `bytes`.
inline uint64_t fnv1a(uint64_t hash, std::string_view bytes) {
  for (const char c : bytes) hash = fnv1a(hash, c);
  return hash;
}

}  // namespace spamgate
