// Test harness: reading what a server answered without throwing, so a test
// that fails says what it saw: JSON parsed leniently, a member by JSON
// pointer, the end of a long log.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace harness {

// `text` as JSON; a discarded value when it is not JSON.
inline nlohmann::json parse(const std::string& text) { return nlohmann::json::parse(text, nullptr, false); }

// The member at JSON pointer `pointer` ("/shared/mode"), or null when there is none.
inline nlohmann::json at(const nlohmann::json& j, const std::string& pointer) {
  const nlohmann::json::json_pointer p(pointer);
  return j.is_object() && j.contains(p) ? j[p] : nlohmann::json();
}

// The last `n` bytes of a log, for failure messages.
inline std::string tail(const std::string& text, size_t n = 3000) {
  return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

}  // namespace harness
