// JSON request bodies: the one way spamgate reads JSON a client sent, with
// a reason a client can act on. (Data spamgate stored itself is parsed with
// nlohmann's non-throwing form and a fallback, where it is read.)
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace spamgate {

// Parses `text` as one JSON document; object members keep their order.
// Error: "invalid JSON: parse error at line L, column C: ...". Never throws.
Result<nlohmann::ordered_json> parse_json_body(std::string_view text);

}  // namespace spamgate
