// The hashes FUZZY's fingerprints and its LSH index are made of: FNV-1a
// for a word's bytes and splitmix64's finaliser to spread a 64-bit value
// over all bits. Fingerprints are never stored, so these may change with
// an eval run to show that FUZZY's figures hold.
#pragma once

#include <cstdint>
#include <string_view>

namespace spamgate {

// splitmix64's finaliser: a bijection of 64-bit values whose every output
// bit depends on every input bit.
inline uint64_t fuzzy_mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// 64-bit FNV-1a: the hash of no bytes, and one byte more.
constexpr uint64_t kFuzzyFnvBasis = 0xcbf29ce484222325ULL;
inline uint64_t fuzzy_fnv1a_add(uint64_t hash, unsigned char byte) { return (hash ^ byte) * 0x100000001b3ULL; }

// 64-bit FNV-1a of `bytes`.
inline uint64_t fuzzy_fnv1a(std::string_view bytes) {
  uint64_t h = kFuzzyFnvBasis;
  for (const char c : bytes) h = fuzzy_fnv1a_add(h, static_cast<unsigned char>(c));
  return h;
}

}  // namespace spamgate
