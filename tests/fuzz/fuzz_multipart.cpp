// Fuzzes the multipart/form-data decoder. Input: the Content-Type
// parameters on the first line (e.g. "boundary=XyZ"), the body after it.
// Checks no crash, the invariants of form_invariants.h, and that every
// kept value is a byte-for-byte slice of the body (no decoding in multipart).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "form_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string content_type = "multipart/form-data; " + std::string(input.substr(0, newline));
  const std::string_view body = input.substr(newline + 1);
  const spamgate::LimitsConfig limits = fuzz::small_limits();
  const spamgate::FormResult result = spamgate::decode_form(content_type, body, limits);
  fuzz::check_result(result, limits);
  for (const auto& field : result.fields)
    spamgate::testing::require(body.find(field.second) != std::string_view::npos, "a value is a slice of the body");
  return 0;
}
