#include "util/untrusted_text.h"

#include <array>
#include <cctype>

#include "util/utf8.h"

namespace spamgate {
namespace {

// The code point of the well-formed sequence at text[pos] of `length` bytes.
char32_t code_point(std::string_view text, size_t pos, size_t length) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[pos + k]); };
  if (length == 1) return byte(0);
  char32_t cp = byte(0) & (0xFF >> (length + 1));
  for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (byte(k) & 0x3F);
  return cp;
}

bool hides_or_reorders(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
         cp == 0x061C || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

bool breaks_the_line(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029; }

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

bool starts_with_nocase(std::string_view text, size_t pos, std::string_view prefix) {
  if (text.size() - pos < prefix.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(text[pos + k])) != prefix[k]) return false;
  return true;
}

}  // namespace

std::string defanged(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kSchemes = {
      {{"https://", "hxxps://"}, {"http://", "hxxp://"}, {"ftp://", "fxp://"}}};
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size();) {
    const bool word_start = i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1]));
    bool replaced = false;
    for (const auto& [scheme, safe] : kSchemes)
      if (word_start && starts_with_nocase(text, i, scheme)) {
        out += safe;
        i += scheme.size();
        replaced = true;
        break;
      }
    if (replaced) continue;
    if (text[i] == '.' && i > 0 && name_char(text[i - 1]) && i + 1 < text.size() &&
        std::isalpha(static_cast<unsigned char>(text[i + 1]))) {
      out += "[.]";
    } else {
      out += text[i];
    }
    ++i;
  }
  return out;
}

std::string quoted_untrusted(std::string_view text, size_t max_chars) {
  // Walks `text` itself (an ill-formed byte reads as U+FFFD) and stops at
  // the cut: a long body costs no more than its first max_chars characters.
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string clean;
  size_t chars = 0;
  bool cut = false;
  for (size_t i = 0; i < text.size();) {
    const size_t length = utf8_sequence_length(text, i);
    const char32_t cp = length == 0 ? U'\uFFFD' : code_point(text, i, length);
    const std::string_view sequence = length == 0 ? kReplacement : text.substr(i, length);
    i += length == 0 ? 1 : length;
    if (hides_or_reorders(cp)) continue;
    const bool space = breaks_the_line(cp) || cp == ' ';
    if (space && (clean.empty() || clean.back() == ' ')) continue;
    if (chars == max_chars) {
      cut = true;
      break;
    }
    clean += space ? std::string_view(" ") : sequence;
    ++chars;
  }
  while (!clean.empty() && clean.back() == ' ') clean.pop_back();
  if (cut) clean += "\u2026";
  return defanged(clean);
}

}  // namespace spamgate
