// application/x-www-form-urlencoded decoding (WHATWG URL "urlencoded
// parser", strict about %-escapes). Never reads past the body it is given.
#pragma once

#include <string_view>

#include "config/config.h"
#include "form/form_decoder.h"

namespace spamgate {

// Decodes `body` as name=value pairs separated by '&'. '+' is a space and
// %XX (hex, either case) one byte; a '%' not followed by two hex digits is
// a 400 naming the field. Empty pairs ("a=1&&b=2", a trailing '&') are
// skipped; a pair without '=' is a field with an empty value. Field limits
// and text rules as decode_form states. Does not check max_body_bytes.
FormResult decode_urlencoded(std::string_view body, const LimitsConfig& limits);

}  // namespace spamgate
