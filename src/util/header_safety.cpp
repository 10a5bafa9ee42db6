#include "util/header_safety.h"

#include <boost/regex.hpp>

#include "util/utf8.h"

namespace spamgate {
namespace {

bool looks_like_encoded_word(std::string_view value) {
  static const boost::regex encoded_word(R"(=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)");
  return boost::regex_search(value.begin(), value.end(), encoded_word);
}

}  // namespace

std::optional<std::string> header_unsafe_reason(std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == '\r') return "carriage return";
    if (c == '\n') return "line feed";
    if (c == '\0') return "NUL";
    if (c == 0xC2 && i + 1 < value.size() && static_cast<unsigned char>(value[i + 1]) == 0x85)
      return "next line (U+0085)";
    if (c == 0xE2 && i + 2 < value.size() && static_cast<unsigned char>(value[i + 1]) == 0x80) {
      const unsigned char third = static_cast<unsigned char>(value[i + 2]);
      if (third == 0xA8) return "line separator (U+2028)";
      if (third == 0xA9) return "paragraph separator (U+2029)";
    }
  }
  if (value.find("=?") != std::string_view::npos && looks_like_encoded_word(value)) return "encoded-word";
  return std::nullopt;
}

std::string header_value_problem(std::string_view value) {
  if (auto reason = header_unsafe_reason(value)) return *reason;
  if (!is_valid_utf8(value)) return "invalid UTF-8";
  return "";
}

}  // namespace spamgate
