#include "mail/mail_reports.h"

#include <cstdio>
#include <ctime>

#include "util/utf8.h"
#include "util/time_format.h"

namespace spamgate {
namespace {

std::string utc_time(int64_t unix) { return format_utc(unix, "%Y-%m-%d %H:%M UTC"); }

// `line` cut to at most `max` bytes without splitting a UTF-8 sequence.
std::string cut(std::string_view line, size_t max) {
  if (line.size() <= max) return std::string(line);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
  return std::string(line.substr(0, end)) + "...";
}

std::string plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string site_tag(const MailConfig& mail) {
  std::string site = mail.site_domain;
  if (site.empty() && mail.from_address.find('@') != std::string::npos)
    site = mail.from_address.substr(mail.from_address.rfind('@') + 1);
  if (site.empty()) site = "spamgate";
  return "[" + site + "]";
}

std::string forged_bounce_advice(const std::string& from_address) {
  const std::string domain = from_address.substr(from_address.rfind('@') + 1);
  return "FORGED ADDRESS: someone sent mail from their own servers with " + from_address +
         " as the sender, and it bounced back to you. That needs no password of yours. So that receivers refuse "
         "such mail, publish for " + domain + " an SPF record naming only your mail provider, DKIM signing at your "
         "provider, and a DMARC record with p=quarantine or p=reject.";
}

std::string visible_escapes(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    const std::string_view rest = value.substr(i);
    if (rest.starts_with("\xC2\x85") || rest.starts_with("\xE2\x80\xA8") || rest.starts_with("\xE2\x80\xA9")) {
      out += rest[0] == '\xC2' ? "\\u0085" : rest[2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += rest[0] == '\xC2' ? 1 : 2;
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == 0) {
      out += "\\0";
    } else if (c < 0x20 || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string make_preview(std::string_view text, int lines, size_t max_line_bytes) {
  const std::string clean = replace_invalid_utf8(text);
  std::string out;
  int taken = 0;
  size_t pos = 0;
  while (taken < lines && pos <= clean.size()) {
    size_t end = clean.find('\n', pos);
    if (end == std::string::npos) end = clean.size();
    std::string_view line(clean.data() + pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) {
      if (taken++ > 0) out += '\n';
      out += cut(visible_escapes(line), max_line_bytes);
    }
    pos = end + 1;
  }
  return out;
}

DigestText digest_text(const MailConfig& mail, const Outbox::HeldOverview& held) {
  DigestText text;
  text.subject = site_tag(mail) + " Digest: " + plural(held.count, "message", "messages") + " held by the mail cap";
  text.preview = plural(held.contacts, "contact message", "contact messages") + ", " +
                 plural(held.notifications, "notification", "notifications");
  std::string& b = text.body;
  b += "spamgate held " + plural(held.count, "message", "messages") +
       " because more mail than the hourly cap (mail.caps) was due:\n";
  b += "  " + text.preview + ".\n\n";
  b += "They are kept in the outbox, folded into this digest. To have one sent in full:\n";
  b += "  spamgate outbox retry ID\n";
  b += "To see them all:\n";
  b += "  spamgate outbox list --status folded\n\n";
  for (const OutboxRow& row : held.first) {
    b += '#';
    b += std::to_string(row.id) + "  " + utc_time(row.created_at) + "  " + to_string(row.kind) + "\n";
    b += "  Subject: " + cut(visible_escapes(row.subject), 200) + "\n";
    size_t pos = 0;
    for (int line = 0; line < 2 && pos < row.preview.size(); ++line) {
      size_t end = row.preview.find('\n', pos);
      if (end == std::string::npos) end = row.preview.size();
      b += "  | " + row.preview.substr(pos, end - pos) + "\n";
      pos = end + 1;
    }
    b += "\n";
  }
  const int64_t rest = held.count - static_cast<int64_t>(held.first.size());
  if (rest > 0) b += "... and " + plural(rest, "more message", "more messages") + " not listed here.\n";
  return text;
}

DigestText alert_text(const MailConfig& mail, int64_t kept) {
  DigestText text;
  text.subject = site_tag(mail) + " Mail daily cap reached";
  text.preview = "daily cap reached: " + std::to_string(kept) + " kept";
  text.body = "daily cap reached: " + plural(kept, "message", "messages") +
              " kept in the outbox; run `spamgate outbox list`\n\n"
              "spamgate sent as much mail as mail.caps.per_day (" + std::to_string(mail.caps.per_day) +
              ") allows and has stopped sending. Nothing is lost: the outbox keeps every message,\n"
              "and they go out as the daily cap refills (notifications and contact messages\n"
              "folded into digests). This is the only alert for the next 24 hours.\n";
  return text;
}

}  // namespace spamgate
