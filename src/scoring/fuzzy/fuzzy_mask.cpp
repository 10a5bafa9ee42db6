#include "scoring/fuzzy/fuzzy_mask.h"

#include <algorithm>
#include <cstring>

#include "scoring/checks/builtin_checks.h"

namespace spamgate {
namespace {

constexpr char kLinkMark[] = "\xEE\x80\x80";   // U+E000
constexpr char kEmailMark[] = "\xEE\x80\x81";  // U+E001
constexpr char kNameMark[] = "\xEE\x80\x82";   // U+E002

bool address_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_' || c == '+' || c == '%';
}

bool mention_char(char c) {
  return c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',' && c != ':' && c != '@' && c != '+';
}

// The offset of the first '@' or '+' in `text` at or after `from`, or
// text.size() (find_first_of would search "@+" for every character).
size_t next_sign(std::string_view text, size_t from) {
  const auto sign = std::find_if(text.begin() + static_cast<std::ptrdiff_t>(from), text.end(),
                                 [](char c) { return c == '@' || c == '+'; });
  return static_cast<size_t>(sign - text.begin());
}

// True when `text` holds an '@' or a '+' (two scans by memchr cost less
// than one that compares each character twice).
bool has_sign(std::string_view text) {
  return std::memchr(text.data(), '@', text.size()) != nullptr || std::memchr(text.data(), '+', text.size()) != nullptr;
}

// `body` with its links replaced, written to `out`.
void mask_links(std::string_view body, const std::vector<LinkSpan>& links, std::string& out) {
  out.clear();
  out.reserve(body.size() + 16);
  size_t pos = 0;
  for (const LinkSpan& link : links) {
    if (link.begin < pos) continue;
    out.append(body.substr(pos, link.begin - pos)).append(" ").append(kLinkMark).append(" ");
    pos = link.end;
  }
  out.append(body.substr(pos));
}

// `text` with its addresses and mentions replaced, written to `result`.
void mask_addresses(std::string_view text, std::string& result) {
  result.clear();
  result.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t sign = next_sign(text, i);
    result.append(text, i, sign - i);  // plain text up to the next '@' or '+'
    if (sign == text.size()) break;
    i = sign;
    const char c = text[i];
    const bool word_start = i == 0 || text[i - 1] == ' ' || text[i - 1] == '\n' || text[i - 1] == '\t';
    if (c == '@' && !word_start) {
      // an address: the local part is already in `result`; the domain follows
      size_t local = result.size();
      while (local > 0 && address_char(result[local - 1])) --local;
      size_t end = i + 1;
      while (end < text.size() && address_char(text[end])) ++end;
      const std::string_view domain(text.data() + i + 1, end - i - 1);
      if (local < result.size() && domain.find('.') != std::string_view::npos) {
        result.resize(local);
        result.append(" ").append(kEmailMark).append(" ");
        i = end - 1;
        continue;
      }
      result += c;
      continue;
    }
    if (word_start && i + 1 < text.size() && mention_char(text[i + 1]) &&
        (c == '@' || !(text[i + 1] >= '0' && text[i + 1] <= '9'))) {
      size_t end = i + 1;
      while (end < text.size() && mention_char(text[end])) ++end;
      result.append(" ").append(kNameMark).append(" ");
      i = end - 1;
      continue;
    }
    result += c;
  }
}

}  // namespace

std::string_view fuzzy_masked(std::string_view body, const std::vector<LinkSpan>& links, std::string& buffer) {
  const bool signs = has_sign(body);
  if (links.empty() && !signs) return body;
  if (!signs) {
    mask_links(body, links, buffer);
    return buffer;
  }
  // Addresses and mentions are looked for once the links are out of the
  // way (a link's own '@' or '+' is not an address).
  thread_local std::string unlinked;
  std::string_view text = body;
  if (!links.empty()) {
    mask_links(body, links, unlinked);
    text = unlinked;
  }
  mask_addresses(text, buffer);
  return buffer;
}

}  // namespace spamgate
