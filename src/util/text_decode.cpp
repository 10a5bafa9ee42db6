#include "util/text_decode.h"

#include "util/ascii.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

namespace spamgate {
namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// HTML5 names (case-sensitive, as in HTML) for every ASCII character that
// has one, and a few common typographic ones.
constexpr std::pair<std::string_view, uint32_t> kNamedReferences[] = {
    {"Tab", '\t'}, {"NewLine", '\n'}, {"excl", '!'}, {"quot", '"'}, {"QUOT", '"'},
    {"num", '#'}, {"dollar", '$'}, {"percnt", '%'}, {"amp", '&'}, {"AMP", '&'},
    {"apos", '\''}, {"lpar", '('}, {"rpar", ')'}, {"ast", '*'}, {"midast", '*'},
    {"plus", '+'}, {"comma", ','}, {"period", '.'}, {"sol", '/'}, {"colon", ':'},
    {"semi", ';'}, {"lt", '<'}, {"LT", '<'}, {"equals", '='}, {"gt", '>'},
    {"GT", '>'}, {"quest", '?'}, {"commat", '@'}, {"lsqb", '['}, {"lbrack", '['},
    {"bsol", '\\'}, {"rsqb", ']'}, {"rbrack", ']'}, {"Hat", '^'}, {"lowbar", '_'},
    {"UnderBar", '_'}, {"grave", '`'}, {"DiacriticalGrave", '`'}, {"lcub", '{'},
    {"lbrace", '{'}, {"verbar", '|'}, {"vert", '|'}, {"VerticalLine", '|'},
    {"rcub", '}'}, {"rbrace", '}'},
    {"nbsp", 0xA0}, {"NonBreakingSpace", 0xA0}, {"shy", 0xAD}, {"copy", 0xA9},
    {"reg", 0xAE}, {"deg", 0xB0}, {"middot", 0xB7}, {"laquo", 0xAB}, {"raquo", 0xBB},
    {"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"sbquo", 0x201A}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"bdquo", 0x201E},
    {"hellip", 0x2026}, {"euro", 0x20AC}, {"trade", 0x2122},
};

// Decodes a numeric reference whose digits start at text[i] (just after
// "&#"). Returns the code point and the index just past the reference.
std::optional<std::pair<uint32_t, size_t>> numeric_reference(std::string_view text, size_t i) {
  const bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
  if (hex) ++i;
  const size_t digits_start = i;
  uint32_t value = 0;
  bool too_big = false;
  for (; i < text.size(); ++i) {
    const int digit = hex ? hex_digit_value(text[i]) : (text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1);
    if (digit < 0) break;
    value = value * (hex ? 16 : 10) + static_cast<uint32_t>(digit);
    if (value > 0x10FFFF) {  // stop growing; the reference becomes U+FFFD
      too_big = true;
      value = 0x110000;
    }
  }
  if (i == digits_start) return std::nullopt;
  if (i < text.size() && text[i] == ';') ++i;
  return std::pair{too_big ? 0xFFFDu : value, i};
}

// Decodes a named reference whose name starts at text[i] (just after "&").
std::optional<std::pair<uint32_t, size_t>> named_reference(std::string_view text, size_t i) {
  const size_t semicolon = text.find(';', i);
  if (semicolon == std::string_view::npos || semicolon - i > 32) return std::nullopt;
  const std::string_view name = text.substr(i, semicolon - i);
  for (const auto& [known, cp] : kNamedReferences)
    if (known == name) return std::pair{cp, semicolon + 1};
  return std::nullopt;
}

}  // namespace

std::string percent_decode_once(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit_value(text[i + 1]) >= 0 && hex_digit_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit_value(text[i + 1]) * 16 + hex_digit_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string html_entity_decode_once(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {  // the plain text up to the next reference, at once
      const size_t next = std::min(text.find('&', i), text.size());
      out.append(text, i, next - i);
      i = next;
      continue;
    }
    const auto reference = i + 1 < text.size() && text[i + 1] == '#' ? numeric_reference(text, i + 2)
                                                                      : named_reference(text, i + 1);
    if (!reference) {
      out += text[i++];
      continue;
    }
    append_utf8(out, reference->first);
    i = reference->second;
  }
  return out;
}

}  // namespace spamgate
