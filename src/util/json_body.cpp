#include "util/json_body.h"

#include <algorithm>

namespace spamgate {

Result<nlohmann::ordered_json> parse_json_body(std::string_view text) {
  nlohmann::ordered_json document;
  try {
    document = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    std::string message = e.what();  // "[json.exception.parse_error.101] parse error at line 1, ..."
    if (const size_t bracket = message.find("] "); message.front() == '[' && bracket != std::string::npos)
      message.erase(0, bracket + 2);
    std::replace_if(message.begin(), message.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return Error{"invalid JSON: " + message};
  } catch (const std::exception& e) {  // out of memory
    return Error{std::string("invalid JSON: ") + e.what()};
  }
  return document;
}

}  // namespace spamgate
