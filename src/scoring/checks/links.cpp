// link_spans and count_links: where the links of a body are (LINK_ONLY) and
// how many (the LINKS_N rules). Each link counts once however it is written: an <a href="http://x">http://x</a>
// anchor or a [url=http://x]x[/url] tag is one link, not two.
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/checks/builtin_checks.h"
#include "util/ascii.h"

namespace spamgate {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
// Characters that make "www." part of a longer word, URL or address.
bool is_word(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '/' || c == '-' || c == '@';
}

// Index just past the end of a bare URL or host name starting at `i`.
size_t end_of_token(std::string_view text, size_t i) {
  while (i < text.size() && !is_space(text[i]) && text[i] != '<' && text[i] != '[' && text[i] != '"' &&
         text[i] != '\'')
    ++i;
  return i;
}

// Index just past `closing` at or after `from`, or past `fallback` when there is no closing.
size_t past(std::string_view text, std::string_view closing, size_t from, size_t fallback) {
  const size_t at = text.find(closing, from);
  return at == std::string_view::npos ? fallback : at + closing.size();
}

// If a link starts at text[i], the index just past it; otherwise 0.
size_t link_at(std::string_view text, size_t i) {
  const char first = text[i];
  if (first != '<' && first != '[' && first != 'h' && first != 'f' && first != 'w') return 0;  // the fast path
  const std::string_view rest = text.substr(i);
  if (rest.starts_with("<a") && rest.size() > 2 && is_space(rest[2])) {
    const size_t tag_end = past(text, ">", i, text.size());
    if (text.substr(i, tag_end - i).find("href") == std::string_view::npos) return 0;
    return past(text, "</a>", tag_end, tag_end);
  }
  for (std::string_view tag : {"[url]", "[url=", "[link="}) {
    if (rest.starts_with(tag)) {
      const size_t tag_end = past(text, "]", i + 1, text.size());
      return past(text, tag[1] == 'u' ? "[/url]" : "[/link]", tag_end, tag_end);
    }
  }
  for (std::string_view scheme : {"http://", "https://", "ftp://"}) {
    if (rest.starts_with(scheme) && rest.size() > scheme.size() && !is_space(rest[scheme.size()]))
      return end_of_token(text, i + scheme.size());
  }
  if (rest.starts_with("www.") && rest.size() > 4 && std::isalnum(static_cast<unsigned char>(rest[4])) &&
      (i == 0 || !is_word(text[i - 1])))
    return end_of_token(text, i + 4);
  return 0;
}

}  // namespace

std::vector<LinkSpan> link_spans(std::string_view body) {
  const std::string lower = ascii_lowercase(body);
  std::vector<LinkSpan> spans;
  for (size_t i = 0; i < lower.size();) {
    const size_t end = link_at(lower, i);
    if (end > i) {
      spans.push_back({i, end});
      i = end;
    } else {
      ++i;
    }
  }
  return spans;
}

size_t count_links(const Submission& submission) { return link_spans(submission.body).size(); }

}  // namespace spamgate
