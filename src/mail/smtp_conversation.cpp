#include "mail/smtp_conversation.h"


namespace spamgate {
namespace {

constexpr size_t kMaxReply = 300;

template <typename Visit>
void for_each_line(std::string_view text, Visit visit) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) visit(line);
    start = end + 1;
  }
}

std::string upper(std::string_view word) {
  std::string out(word);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string_view first_word(std::string_view line, size_t from = 0) {
  if (from >= line.size()) return {};
  line.remove_prefix(from);
  const size_t space = line.find(' ');
  return line.substr(0, space);
}

bool one_of(const std::string& word, std::initializer_list<std::string_view> set) {
  for (std::string_view candidate : set)
    if (word == candidate) return true;
  return false;
}

}  // namespace

std::string SmtpConversation::clean(std::string_view line) const {
  std::string out;
  for (char c : line) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
  if (!secret_.empty()) {
    for (size_t at = out.find(secret_); at != std::string::npos; at = out.find(secret_, at))
      out.replace(at, secret_.size(), "[redacted]");
  }
  return out;
}

void SmtpConversation::server_lines(std::string_view text) {
  for_each_line(text, [&](std::string_view raw) {
    std::string line = clean(raw);
    lines_.push_back({true, line});
    if (quit_sent_) return;
    if (reply_complete_) reply_.clear();
    // "250-..." continues a reply, "250 ..." (or a bare code) ends it.
    reply_complete_ = !(line.size() > 3 && line[3] == '-');
    reply_.push_back(line);
    if (reply_complete_ && awaiting_auth_reply_) {
      if (line.rfind("235", 0) == 0) authenticated_ = true;
      if (line.rfind("334", 0) != 0) awaiting_auth_reply_ = false;  // 334: the exchange goes on
    }
  });
}

void SmtpConversation::client_lines(std::string_view text) {
  for_each_line(text, [&](std::string_view line) {
    const std::string verb = upper(first_word(line));
    std::string kept;
    if (verb == "AUTH") {
      const std::string mechanism = upper(first_word(line, 5));
      kept = one_of(mechanism, {"PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER", "CRAM-MD5", "DIGEST-MD5", "EXTERNAL"})
                 ? "AUTH " + mechanism
                 : "AUTH";
      awaiting_auth_reply_ = true;
    } else if (one_of(verb, {"EHLO", "HELO", "STARTTLS", "MAIL", "RCPT", "DATA", "QUIT", "RSET", "NOOP", "VRFY"})) {
      kept = verb;
      if (verb == "QUIT") quit_sent_ = true;
    } else {
      kept = "(credentials)";
    }
    lines_.push_back({false, kept});
  });
}

std::string SmtpConversation::last_reply() const {
  std::string out;
  for (const std::string& line : reply_) {
    if (!out.empty()) out += " / ";
    out += line;
  }
  if (out.size() > kMaxReply) out.resize(kMaxReply);
  return out;
}

}  // namespace spamgate
