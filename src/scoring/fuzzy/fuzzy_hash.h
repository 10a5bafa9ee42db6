// The mixing FUZZY's fingerprints and its LSH index use besides FNV-1a
// (util/fnv1a.h, for a word's bytes): splitmix64's finaliser, to spread a
// 64-bit value over all bits. Fingerprints are never stored, so this may
// change with an eval run to show that FUZZY's figures hold.
#pragma once

#include <cstdint>

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

}  // namespace spamgate
