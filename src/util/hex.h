// Lower-case hexadecimal text of bytes (digests, MACs, ids), and telling
// whether a text is such.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace spamgate {

// "0a1b..." for `size` bytes at `data`: two characters per byte.
inline std::string to_hex(const unsigned char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * size);
  for (size_t i = 0; i < size; ++i) {
    hex += kDigits[data[i] >> 4];
    hex += kDigits[data[i] & 0x0F];
  }
  return hex;
}

// True when `text` is exactly `length` lower-case hex digits, as to_hex
// writes them (a SHA-256 is 64, a submission id 16).
inline bool is_lower_hex(std::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (const char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace spamgate
