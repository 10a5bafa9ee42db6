#include "mail/quoted_printable.h"

#include <vector>

namespace spamgate {
namespace {

constexpr size_t kMaxLine = 76;

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r' && text[i] != '\n') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  lines.push_back(text.substr(start));
  return lines;
}

std::string escaped(unsigned char c) {
  static const char hex[] = "0123456789ABCDEF";
  return {'=', hex[c >> 4], hex[c & 0x0F]};
}

void encode_line(std::string_view line, std::string& out) {
  size_t length = 0;  // chars on the current output line
  for (size_t i = 0; i < line.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    const bool at_start = length == 0;
    std::string token;
    if ((c == ' ' || c == '\t') && last) {
      token = escaped(c);
    } else if (at_start && (c == '.' || (c == 'F' && line.substr(i, 5) == "From "))) {
      token = escaped(c);
    } else if (c == ' ' || c == '\t' || (c >= 33 && c <= 126 && c != '=')) {
      token = std::string(1, static_cast<char>(c));
    } else {
      token = escaped(c);
    }
    // Keep room for the soft break '=' unless this is the line's last token.
    const size_t limit = last ? kMaxLine : kMaxLine - 1;
    if (length + token.size() > limit) {
      out += "=\r\n";
      length = 0;
      if (c == '.' || (c == 'F' && line.substr(i, 5) == "From ")) token = escaped(c);
    }
    out += token;
    length += token.size();
  }
  out += "\r\n";
}

}  // namespace

std::string encode_quoted_printable(std::string_view text) {
  std::vector<std::string_view> lines = split_lines(text);
  if (lines.size() > 1 && lines.back().empty()) lines.pop_back();  // text ended with a line break
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::string_view line : lines) encode_line(line, out);
  return out;
}

}  // namespace spamgate
