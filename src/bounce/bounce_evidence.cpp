#include "bounce/bounce_evidence.h"

#include <algorithm>
#include <cctype>

namespace spamgate {
namespace {

constexpr std::string_view kReceived = "received: ";
constexpr std::string_view kDkim = "dkim-signature: ";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool host_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'; }

// True when `text` (lower case) holds `host` as a whole name, not part of a longer one.
bool names_host(std::string_view text, std::string_view host) {
  for (size_t at = text.find(host); at != std::string_view::npos; at = text.find(host, at + 1)) {
    const bool starts = at == 0 || !host_char(text[at - 1]);
    const size_t end = at + host.size();
    // A trailing dot ends a sentence or the root ("host.example.jp.").
    const bool ends = end == text.size() || !host_char(text[end]) ||
                      (text[end] == '.' && (end + 1 == text.size() || !host_char(text[end + 1])));
    if (starts && ends) return true;
  }
  return false;
}

// The host the "by" clause of a Received value (lower case) names, or "".
std::string received_by(std::string_view value) {
  for (size_t at = value.find("by "); at != std::string_view::npos; at = value.find("by ", at + 1)) {
    if (at > 0 && !std::isspace(static_cast<unsigned char>(value[at - 1])) && value[at - 1] != ')') continue;
    size_t start = at + 3;
    while (start < value.size() && std::isspace(static_cast<unsigned char>(value[start]))) ++start;
    size_t end = start;
    while (end < value.size() && (host_char(value[end]) || value[end] == '[' || value[end] == ']')) ++end;
    std::string host(value.substr(start, end - start));
    host.erase(std::remove(host.begin(), host.end(), '['), host.end());
    host.erase(std::remove(host.begin(), host.end(), ']'), host.end());
    while (!host.empty() && host.back() == '.') host.pop_back();
    return host;
  }
  return "";
}

// The d= tag of a DKIM-Signature value (lower case), or "".
std::string dkim_domain(std::string_view value) {
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t end = value.find(';', pos);
    if (end == std::string_view::npos) end = value.size();
    std::string_view tag = value.substr(pos, end - pos);
    while (!tag.empty() && std::isspace(static_cast<unsigned char>(tag.front()))) tag.remove_prefix(1);
    if (tag.substr(0, 2) == "d=") {
      tag.remove_prefix(2);
      while (!tag.empty() && std::isspace(static_cast<unsigned char>(tag.back()))) tag.remove_suffix(1);
      while (!tag.empty() && std::isspace(static_cast<unsigned char>(tag.front()))) tag.remove_prefix(1);
      return std::string(tag);
    }
    pos = end + 1;
  }
  return "";
}

}  // namespace

std::string smtp_url_host(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') return lower(rest.substr(1, rest.find(']') - 1));
  return lower(rest.substr(0, rest.find(':')));
}

std::string own_account_evidence(const std::vector<std::string>& trace, std::string_view smtp_host,
                                 std::string_view site_domain) {
  const std::string host = lower(smtp_host);
  const std::string domain = lower(site_domain);
  if (host.empty()) return "";
  bool under_host = false;  // a Received added by the host was seen above
  std::string named;
  for (const std::string& field : trace) {
    const std::string value = lower(field);
    if (value.rfind(kReceived, 0) == 0) {
      const std::string_view received = std::string_view(value).substr(kReceived.size());
      if (received_by(received) == host) under_host = true;
      if (named.empty() && names_host(received, host)) named = "a Received header names " + host;
    } else if (value.rfind(kDkim, 0) == 0 && under_host && !domain.empty() &&
               dkim_domain(std::string_view(value).substr(kDkim.size())) == domain) {
      return "DKIM-Signature d=" + domain + " under a Received header added by " + host;
    }
  }
  return named;
}

}  // namespace spamgate
