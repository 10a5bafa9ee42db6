// JSON text at the edges: the one place spamgate turns JSON text into a
// document and back. Types convert to and from nlohmann::json beside their
// definition (to_json, ADL); text exists only at an edge (an HTTP body, a
// database column, a Redis entry, a line of CLI output). Never throws.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace spamgate {

// A document as compact text (no spaces, non-ASCII as UTF-8, not \u
// escaped); ill-formed UTF-8 in a string becomes U+FFFD instead of throwing.
std::string json_text(const nlohmann::json& document);
std::string json_text(const nlohmann::ordered_json& document);
// A typed value as text, through its to_json.
template <class T>
std::string json_text(const T& value) {
  return json_text(nlohmann::json(value));
}

// A client's request body as one JSON document; object members keep their
// order. Error: "invalid JSON: parse error at line L, column C: ..." (a
// reason the client can act on).
Result<nlohmann::ordered_json> parse_json_body(std::string_view text);

// JSON that spamgate stored itself (a database column, a Redis entry) or a
// service sent (an SES notification): a discarded document
// (is_discarded()) when the text is not JSON, for the reader to fall back.
nlohmann::json parse_json_or_discarded(std::string_view text);

}  // namespace spamgate
