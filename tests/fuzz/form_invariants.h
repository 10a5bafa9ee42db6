// Checks shared by the form fuzz targets: what every successful decode
// must guarantee to the scorer. A violation aborts, so libFuzzer keeps the input.
#pragma once

#include "config/config.h"
#include "form/form_decoder.h"
#include "support/invariant.h"
#include "util/utf8.h"

namespace fuzz {

// Small limits so the fuzzer reaches every limit path with short inputs.
inline spamgate::LimitsConfig small_limits() {
  spamgate::LimitsConfig limits;
  limits.max_body_bytes = 8192;
  limits.max_fields = 16;
  limits.max_field_bytes = 512;
  return limits;
}

inline void check_result(const spamgate::FormResult& result, const spamgate::LimitsConfig& limits) {
  if (!result.ok()) {
    const int status = result.error.http_status;
    spamgate::testing::require(status == 400 || status == 413 || status == 415, "error status is 400, 413 or 415");
    spamgate::testing::require(!result.error.reason.empty(), "error has a reason");
    spamgate::testing::require(result.error.reason.find_first_of("\r\n") == std::string::npos, "reason is one line");
    spamgate::testing::require(result.fields.empty(), "no fields with an error");
    return;
  }
  spamgate::testing::require(result.fields.size() <= static_cast<size_t>(limits.max_fields), "at most max_fields fields");
  for (const auto& [name, value] : result.fields) {
    spamgate::testing::require(name.size() <= static_cast<size_t>(limits.max_field_bytes), "name within max_field_bytes");
    spamgate::testing::require(value.size() <= static_cast<size_t>(limits.max_field_bytes), "value within max_field_bytes");
    spamgate::testing::require(name.find('\0') == std::string::npos, "no NUL in names");
    spamgate::testing::require(spamgate::is_valid_utf8(name) && spamgate::is_valid_utf8(value), "names and values are UTF-8");
  }
}

}  // namespace fuzz
