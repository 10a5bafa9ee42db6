#include "bounce/report/text.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include <boost/regex.hpp>

#include "util/ascii.h"

namespace spamgate::bounce_text {
namespace {

using Match = boost::match_results<std::string_view::const_iterator>;

}  // namespace

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string lower(std::string_view text) { return ascii_lowercase(text); }

std::string trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::string one_line(std::string_view text, size_t limit) {
  std::string out;
  out.reserve(std::min(text.size(), limit + 4));
  bool in_space = false;
  for (char c : text) {
    if (is_space(c)) {
      in_space = !out.empty();
      continue;
    }
    if (in_space) out += ' ';
    in_space = false;
    out += c;
    if (out.size() > limit + 4) break;
  }
  if (out.size() > limit) {
    size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    out.resize(cut);
  }
  return trim(out);
}

std::string without_angles(std::string_view text) {
  std::string id = trim(text);
  if (const size_t open = id.find('<'); open != std::string::npos) {
    const size_t close = id.find('>', open);
    id = id.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
  } else if (const size_t space = id.find_first_of(" \t("); space != std::string::npos) {
    id.resize(space);
  }
  return trim(id);
}

std::vector<Fields> field_blocks(std::string_view text, size_t max_blocks) {
  std::vector<Fields> blocks(1);
  size_t pos = 0;
  while (pos < text.size() && blocks.size() <= max_blocks) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) {
      if (!blocks.back().empty()) blocks.emplace_back();
      continue;
    }
    const size_t colon = line.find(':');
    const std::string_view name = colon == std::string_view::npos ? std::string_view() : line.substr(0, colon);
    const bool is_field =
        !is_space(line.front()) && !name.empty() && name.size() < 64 &&
        std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
    if (is_field) {
      blocks.back().emplace_back(lower(name), trim(line.substr(colon + 1)));
    } else if (!blocks.back().empty() && blocks.back().back().second.size() < 2000) {
      blocks.back().back().second += " " + trim(line);  // folded, or a multi-line reply ("550-...")
    }
  }
  if (blocks.back().empty()) blocks.pop_back();
  return blocks;
}

std::string field(const Fields& fields, std::string_view name) {
  for (const auto& [key, value] : fields)
    if (key == name) return value;
  return "";
}

std::string find_status(std::string_view text) {
  // Not preceded by a digit, dot, dash or letter (but after "550-"), not
  // followed by ".digit" or a word character: never "2.5.4" out of
  // "10.2.5.4" or "4.8.3" out of "4.8.3.54".
  static const boost::regex pattern(R"((?:(?<=[45]\d\d-)|(?<![\w.\-]))[245]\.\d{1,3}\.\d{1,3}(?!\.?\d)(?!\w))");
  Match match;
  return boost::regex_search(text.begin(), text.end(), match, pattern) ? match.str(0) : "";
}

std::string refine_status(const std::string& status, std::string_view diagnostic) {
  if (status.size() != 5 || status.compare(1, 4, ".0.0") != 0) return status;
  // The code the remote server gave with its reply ("550 5.1.1", "550-'5.7.1") before any other.
  static const boost::regex after_reply(R"((?<![\w.])[45]\d\d[ \-]['"#(]?([245]\.\d{1,3}\.\d{1,3})(?!\.?\d)(?!\w))");
  Match match;
  const std::string specific = boost::regex_search(diagnostic.begin(), diagnostic.end(), match, after_reply)
                                   ? match.str(1)
                                   : find_status(diagnostic);
  return !specific.empty() && specific[0] == status[0] ? specific : status;
}

std::string find_reply(std::string_view text) {
  static const boost::regex code(R"((?<![\w.:/\-#])([45]\d\d)(?:([ \-])[^\r\n]*|(?=\r?\n|$)))");
  Match match;
  if (!boost::regex_search(text.begin(), text.end(), match, code)) return "";
  std::string reply = match.str(0);
  if (match[2].matched && *match[2].first == '-') {  // "550-first line" ... "550 last line"
    reply[3] = ' ';
    const std::string prefix = match.str(1);
    size_t pos = static_cast<size_t>(match[0].second - text.begin());
    for (int lines = 0; lines < 20 && pos < text.size(); ++lines) {
      const size_t start = text.find('\n', pos);
      if (start == std::string_view::npos) break;
      size_t end = text.find('\n', start + 1);
      if (end == std::string_view::npos) end = text.size();
      const std::string line = trim(text.substr(start + 1, end - start - 1));
      if (line.size() < 4 || line.compare(0, 3, prefix) != 0 || (line[3] != '-' && line[3] != ' ')) break;
      std::string rest = trim(std::string_view(line).substr(4));
      if (const std::string status = find_status(rest); !status.empty() && rest.rfind(status, 0) == 0)
        rest = trim(std::string_view(rest).substr(status.size()));  // the status code repeated on every line
      reply += " " + rest;
      pos = end;
      if (line[3] == ' ') break;
    }
  }
  for (const auto& [open, close] : {std::pair{'<', '>'}, std::pair{'(', ')'}})
    if (!reply.empty() && reply.back() == close &&
        std::count(reply.begin(), reply.end(), open) < std::count(reply.begin(), reply.end(), close))
      reply.pop_back();  // the end of "(reason: 550 ...)" or "<host #5.1.1 smtp;550 ...>" around it
  return one_line(reply);
}

std::vector<AddressHit> find_addresses(std::string_view text, size_t max) {
  // From each "@", as far as address characters reach on either side; a
  // linear scan (a regex over 2 MB of "aaaa@aaaa@..." backtracks for seconds).
  const auto local_char = [](unsigned char c) {
    return std::isalnum(c) || std::string_view("._%+=-").find(c) != std::string_view::npos;
  };
  const auto domain_char = [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; };
  std::vector<AddressHit> hits;
  for (size_t at = text.find('@'); at != std::string_view::npos && hits.size() < max; at = text.find('@', at + 1)) {
    size_t begin = at;
    while (begin > 0 && at - begin < 64 && local_char(static_cast<unsigned char>(text[begin - 1]))) --begin;
    while (begin < at && text[begin] == '.') ++begin;
    size_t end = at + 1;
    while (end < text.size() && end - at <= 255 && domain_char(static_cast<unsigned char>(text[end]))) ++end;
    while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) --end;
    if (begin == at || end == at + 1) continue;
    const std::string_view domain = text.substr(at + 1, end - at - 1);
    const size_t last_dot = domain.rfind('.');
    if (last_dot == std::string_view::npos || domain.size() - last_dot - 1 < 2 ||
        !std::all_of(domain.begin() + static_cast<long>(last_dot) + 1, domain.end(),
                     [](unsigned char c) { return std::isalpha(c); }) ||
        domain.find("..") != std::string_view::npos || domain.find(".-") != std::string_view::npos ||
        domain.find("-.") != std::string_view::npos || domain.front() == '-' || domain.front() == '.')
      continue;
    hits.push_back({lower(text.substr(begin, end - begin)), begin, end});
  }
  return hits;
}

bool is_system_address(std::string_view address) {
  const std::string local = lower(address.substr(0, address.find('@')));
  for (std::string_view word : {"mailer-daemon", "mailer_daemon", "mailerdaemon", "postmaster", "post_master"})
    if (local.find(word) != std::string::npos) return true;
  return local == "root" || local == "abuse" || local == "noreply" || local == "no-reply";
}
std::string quoted_field(std::string_view text, std::string_view name) {
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (line.size() > name.size() && ascii_istarts_with(line, name) && line[name.size()] == ':')
      return trim(std::string_view(line).substr(name.size() + 1));
  }
  return "";
}
std::string_view quoted_headers(std::string_view text) {
  static const boost::regex header_line(R"((?:^|\n)[ \t]*([A-Za-z][A-Za-z0-9\-]{1,60}):)");
  Match match;
  if (!boost::regex_search(text.begin(), text.end(), match, header_line)) return {};
  return text.substr(static_cast<size_t>(match[1].first - text.begin()));
}
}  // namespace spamgate::bounce_text
