#include "support/mail_decode.h"

#include <openssl/evp.h>

#include "util/ascii.h"

namespace spamgate::testing {
namespace {

// "=XX" at text[i] with two hex digits: the byte, else -1.
int escaped_byte(const std::string& text, size_t i) {
  if (i + 2 >= text.size()) return -1;
  const int high = hex_digit_value(text[i + 1]);
  const int low = hex_digit_value(text[i + 2]);
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

// Appends the bytes of encoded-word `word` to `out`; false when `word` is not one.
bool decode_word_into(const std::string& word, std::string& out) {
  if (word.size() < 8 || word.rfind("=?", 0) != 0 || word.substr(word.size() - 2) != "?=") return false;
  const size_t q1 = word.find('?', 2);
  if (q1 == std::string::npos || q1 + 2 >= word.size() || word[q1 + 2] != '?') return false;
  const char encoding = ascii_lower(word[q1 + 1]);
  const std::string text = word.substr(q1 + 3, word.size() - q1 - 5);
  if (encoding == 'b') {
    out += base64_decode(text);
    return true;
  }
  if (encoding != 'q') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const int byte = text[i] == '=' ? escaped_byte(text, i) : -1;
    if (byte >= 0) {
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += text[i] == '_' ? ' ' : text[i];
    }
  }
  return true;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return "";
  std::string out(text.size() / 4 * 3 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return "";
  size_t padding = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '=' && padding < 2; --i) ++padding;
  out.resize(static_cast<size_t>(n) - padding);  // EVP_DecodeBlock counts the padding as zero bytes
  return out;
}

std::string decode_word(const std::string& word) {
  std::string out;
  decode_word_into(word, out);
  return out;
}

std::string decode_words(const std::string& value) {
  std::string out;
  bool after_word = false;
  size_t pos = 0;
  while (pos < value.size()) {
    const size_t space_end = value.find_first_not_of(" \t", pos);
    const std::string space = value.substr(pos, (space_end == std::string::npos ? value.size() : space_end) - pos);
    if (space_end == std::string::npos) {
      out += space;
      break;
    }
    size_t token_end = value.find_first_of(" \t", space_end);
    if (token_end == std::string::npos) token_end = value.size();
    const std::string token = value.substr(space_end, token_end - space_end);
    std::string decoded;
    if (decode_word_into(token, decoded)) {
      if (!after_word) out += space;
      out += decoded;
      after_word = true;
    } else {
      out += space + token;
      after_word = false;
    }
    pos = token_end;
  }
  return out;
}

std::string decode_quoted_printable(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
    } else if (text.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;  // soft line break
    } else if (const int byte = escaped_byte(text, i); byte >= 0) {
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace spamgate::testing
