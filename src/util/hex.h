// Lower-case hexadecimal text of bytes (digests, MACs).
#pragma once

#include <cstddef>
#include <string>

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

}  // namespace spamgate
