#include "util/utf8.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace spamgate {
namespace {

bool in_range(unsigned char byte, unsigned char low, unsigned char high) { return byte >= low && byte <= high; }

}  // namespace

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  while (p < end) {
    // Fast path: eight ASCII bytes at a time.
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {
        p += 8;
        continue;
      }
    }
    const unsigned char lead = *p;
    if (lead < 0x80) {
      ++p;
      continue;
    }
    const std::ptrdiff_t left = end - p;
    if (lead < 0xC2) return false;  // continuation byte, or overlong 2-byte form
    if (lead < 0xE0) {
      if (left < 2 || !in_range(p[1], 0x80, 0xBF)) return false;
      p += 2;
      continue;
    }
    if (lead < 0xF0) {
      // E0: no overlong forms (second byte A0..); ED: no surrogates (second byte ..9F).
      const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
      const unsigned char high = lead == 0xED ? 0x9F : 0xBF;
      if (left < 3 || !in_range(p[1], low, high) || !in_range(p[2], 0x80, 0xBF)) return false;
      p += 3;
      continue;
    }
    if (lead < 0xF5) {
      // F0: no overlong forms (second byte 90..); F4: nothing above U+10FFFF (second byte ..8F).
      const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
      const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
      if (left < 4 || !in_range(p[1], low, high) || !in_range(p[2], 0x80, 0xBF) || !in_range(p[3], 0x80, 0xBF))
        return false;
      p += 4;
      continue;
    }
    return false;  // F5..FF never occur in UTF-8
  }
  return true;
}

}  // namespace spamgate
