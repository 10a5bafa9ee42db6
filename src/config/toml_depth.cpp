#include "config/toml_depth.h"

namespace spamgate {

std::optional<size_t> toml_too_deep_line(std::string_view text) {
  size_t depth = 0;
  size_t line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '#') {  // comment: skip to the line end
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {  // a string, basic or literal, single- or multi-line
      const bool multi = text.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''");
      const std::string_view close = multi ? text.substr(i, 3) : text.substr(i, 1);
      i += close.size();
      while (i < text.size() && text.substr(i, close.size()) != close) {
        if (text[i] == '\n') ++line;
        if (c == '"' && text[i] == '\\') ++i;  // an escape: skip the escaped byte
        ++i;
      }
      i += close.size() - 1;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxTomlNesting) return line;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

}  // namespace spamgate
