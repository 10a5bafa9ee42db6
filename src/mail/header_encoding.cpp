#include "mail/header_encoding.h"

#include <openssl/evp.h>

#include "util/utf8.h"

namespace spamgate {
namespace {

constexpr std::string_view kWordPrefix = "=?UTF-8?B?";
constexpr std::string_view kWordSuffix = "?=";

size_t base64_length(size_t bytes) { return (bytes + 2) / 3 * 4; }

std::string base64(std::string_view bytes) {
  std::string out(base64_length(bytes.size()) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

bool is_printable_ascii(std::string_view text) {
  for (char c : text)
    if (c < 0x20 || c > 0x7E) return false;
  return true;
}

// Joins tokens with single spaces, folding before a token (CRLF SP) when
// the current line would pass 78 chars. Never folds before an empty token,
// so no line is whitespace only. Returns the field with its final CRLF.
std::string fold(std::string_view name, const std::vector<std::string>& tokens) {
  std::string out(name);
  out += ':';
  size_t line_length = out.size();
  bool line_has_token = false;
  for (const std::string& token : tokens) {
    if (line_has_token && !token.empty() && line_length + 1 + token.size() > kMaxHeaderLine) {
      out += "\r\n";
      line_length = 0;
    }
    out += ' ';
    out += token;
    line_length += 1 + token.size();
    line_has_token = true;
  }
  out += "\r\n";
  return out;
}

bool lines_fit(std::string_view field) {
  size_t start = 0;
  while (start < field.size()) {
    size_t end = field.find("\r\n", start);
    if (end == std::string_view::npos) end = field.size();
    if (end - start > kMaxHeaderLine) return false;
    start = end + 2;
  }
  return true;
}

std::vector<std::string> split_spaces(std::string_view text) {
  std::vector<std::string> words;
  size_t start = 0;
  while (true) {
    const size_t space = text.find(' ', start);
    words.emplace_back(text.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start));
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return words;
}

std::string quoted_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

// Room for the first encoded-word on the line "Name: ".
size_t first_word_room(std::string_view name) { return kMaxHeaderLine - name.size() - 2; }

}  // namespace

std::vector<std::string> encode_words(std::string_view text, size_t first_max) {
  std::vector<std::string> words;
  const size_t overhead = kWordPrefix.size() + kWordSuffix.size();
  size_t pos = 0;
  while (pos < text.size() || words.empty()) {
    const size_t max_length = words.empty() ? first_max : kMaxEncodedWord;
    size_t end = pos;
    while (end < text.size()) {
      const size_t length = utf8_sequence_length(text, end);
      const size_t step = length == 0 ? 1 : length;
      if (overhead + base64_length(end + step - pos) > max_length) break;
      end += step;
    }
    if (end == pos && pos < text.size()) end = pos + 1;  // first_max below contract: still progress
    words.push_back(std::string(kWordPrefix) + base64(text.substr(pos, end - pos)) + std::string(kWordSuffix));
    pos = end;
  }
  return words;
}

std::string unstructured_field(std::string_view name, std::string_view value) {
  if (is_printable_ascii(value)) {
    std::string field = fold(name, split_spaces(value));
    if (lines_fit(field)) return field;
  }
  return fold(name, encode_words(value, first_word_room(name)));
}

std::string mailbox_field(std::string_view name, std::string_view display_name, std::string_view address) {
  std::string angle_address = "<";  // not "<" + std::string: GCC 12 -Wrestrict false positive (PR 105651)
  angle_address.append(address).append(">");
  if (display_name.empty()) return fold(name, {std::string(address)});
  if (is_printable_ascii(display_name)) {
    std::string field = fold(name, {quoted_string(display_name), angle_address});
    if (lines_fit(field)) return field;
  }
  std::vector<std::string> tokens = encode_words(display_name, first_word_room(name));
  tokens.push_back(angle_address);
  return fold(name, tokens);
}

std::string address_list_field(std::string_view name, const std::vector<std::string>& addresses) {
  std::vector<std::string> tokens;
  for (size_t i = 0; i < addresses.size(); ++i) tokens.push_back(addresses[i] + (i + 1 < addresses.size() ? "," : ""));
  return fold(name, tokens);
}

}  // namespace spamgate
