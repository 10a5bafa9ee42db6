// Fuzzes the urlencoded decoder: no crash, the invariants of
// form_invariants.h, and decode(encode(fields)) == fields for any success.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "form_invariants.h"

namespace {

std::string encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const spamgate::LimitsConfig limits = fuzz::small_limits();
  const spamgate::FormResult result = spamgate::decode_form("application/x-www-form-urlencoded", body, limits);
  fuzz::check_result(result, limits);
  if (!result.ok()) return 0;

  std::string again;
  for (const auto& [name, value] : result.fields) {
    if (!again.empty()) again += '&';
    again += encode(name) + '=' + encode(value);
  }
  spamgate::LimitsConfig roomy = limits;
  roomy.max_body_bytes = static_cast<int64_t>(again.size());
  const spamgate::FormResult round_trip = spamgate::decode_form("application/x-www-form-urlencoded", again, roomy);
  // An empty name with an empty value encodes to "=" which decodes back to ("", "").
  spamgate::testing::require(round_trip.ok() && round_trip.fields == result.fields, "decode(encode(fields)) == fields");
  return 0;
}
