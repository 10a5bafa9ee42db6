#include "util/json_text.h"

#include <algorithm>

namespace spamgate {

namespace {
constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
}  // namespace

std::string json_text(const nlohmann::json& document) { return document.dump(-1, ' ', false, kReplace); }

std::string json_text(const nlohmann::ordered_json& document) { return document.dump(-1, ' ', false, kReplace); }

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

nlohmann::json parse_json_or_discarded(std::string_view text) {
  try {
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  } catch (const std::exception&) {  // out of memory
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
}

}  // namespace spamgate
