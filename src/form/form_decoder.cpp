#include "form/form_decoder.h"

#include "form/field_collector.h"
#include "form/multipart.h"
#include "form/urlencoded.h"
#include "util/ascii.h"

namespace spamgate {

FormResult decode_form(std::string_view content_type, std::string_view body, const LimitsConfig& limits) {
  FormResult refused;
  if (static_cast<int64_t>(body.size()) > limits.max_body_bytes) {
    refused.error = {413, "request body is larger than " + std::to_string(limits.max_body_bytes) + " bytes"};
    return refused;
  }
  const std::string_view media_type = trim_ows(content_type.substr(0, content_type.find(';')));
  if (ascii_iequals(media_type, "application/x-www-form-urlencoded")) return decode_urlencoded(body, limits);
  if (ascii_iequals(media_type, "multipart/form-data")) return decode_multipart(content_type, body, limits);
  static constexpr const char* kExpected = "; expected application/x-www-form-urlencoded or multipart/form-data";
  refused.error = {415, media_type.empty() ? std::string("missing Content-Type") + kExpected
                                           : "unsupported content type " + escape_for_reason(media_type) + kExpected};
  return refused;
}

}  // namespace spamgate
