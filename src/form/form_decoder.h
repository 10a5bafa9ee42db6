// Form decoding: turns a request body (urlencoded or multipart/form-data)
// into FormFields, enforcing the configured limits and text rules. It
// never throws, never keeps a pointer into the body, and never recurses.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "form/submission.h"

namespace spamgate {

// Why a body was refused: the HTTP status to answer (400, 413 or 415) and a
// one-line reason a person can read. Field names in a reason are escaped
// (bytes outside printable ASCII as \xNN) and cut to 64 bytes.
struct FormError {
  int http_status = 0;
  std::string reason;
};

// The decoded fields, or the error. error.http_status is 0 on success.
struct FormResult {
  FormFields fields;  // every text field in the order received; names may repeat
  FormError error;
  bool ok() const { return error.http_status == 0; }
};

// Decodes `body` according to `content_type` (the request's Content-Type,
// parameters included; media type matched case-insensitively).
//   application/x-www-form-urlencoded: '&'-separated name=value pairs, '+'
//     is a space, %XX is a byte; a malformed %-escape is a 400.
//   multipart/form-data: see form/multipart.h.
// Limits: body over max_body_bytes → 413; more than max_fields fields
// (file parts included) → 400; a name or value over max_field_bytes → 413.
// Text rules: a name or value that is not valid UTF-8 → 400 "invalid UTF-8
// in field <name>"; a NUL byte in a name → 400. NUL in a value is kept (the
// HEADER_INJECTION check scores it). Any other content type → 415.
FormResult decode_form(std::string_view content_type, std::string_view body, const LimitsConfig& limits);

}  // namespace spamgate
