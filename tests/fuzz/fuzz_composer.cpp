// libFuzzer target: whatever a submitter puts in a name, subject, address or
// body, a message the composer accepts has only the header fields the
// composer writes, each once, 7-bit, CRLF-terminated, with a subject that
// decodes back to the input; everything else is refused, and so is any name,
// subject or reply-to holding a line break (CR, LF, NUL, U+0085/2028/2029).
// Input: display name, subject, reply_to and body separated by 0x1F bytes.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mail/composer.h"
#include "support/invariant.h"
#include "support/mail_decode.h"
#include "util/email_address.h"

namespace {

std::vector<std::string> split_fields(std::string_view input) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (fields.size() < 3) {
    const size_t end = input.find('\x1F', start);
    if (end == std::string_view::npos) break;
    fields.emplace_back(input.substr(start, end - start));
    start = end + 1;
  }
  fields.emplace_back(input.substr(start));
  while (fields.size() < 4) fields.emplace_back();
  return fields;
}

// The unfolded value is either the subject itself or encoded-words only.
std::string decode_subject(const std::string& value) {
  if (value.rfind("=?UTF-8?B?", 0) != 0) return value;
  std::string out;
  size_t pos = 0;
  while (pos < value.size()) {
    REQUIRE_INVARIANT(value.compare(pos, 10, "=?UTF-8?B?") == 0);
    const size_t end = value.find("?=", pos + 10);
    REQUIRE_INVARIANT(end != std::string::npos);
    REQUIRE_INVARIANT(end + 2 - pos <= 75);
    out += spamgate::testing::base64_decode(std::string_view(value).substr(pos + 10, end - pos - 10));
    pos = end + 2;
    if (pos < value.size()) {
      REQUIRE_INVARIANT(value[pos] == ' ');
      ++pos;
    }
  }
  return out;
}

// CR, LF, NUL, U+0085, U+2028 or U+2029 anywhere: a header value built from
// such input is what header injection needs, so the composer must refuse it.
bool holds_line_breaker(const std::string& value) {
  static const std::string breakers[] = {"\r", "\n", std::string(1, '\0'), "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"};
  for (const std::string& breaker : breakers)
    if (value.find(breaker) != std::string::npos) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string> fields = split_fields(std::string_view(reinterpret_cast<const char*>(data), size));
  spamgate::MailConfig config;
  config.from_address = "wordpress@blog.example";
  config.owners = {"owner@blog.example"};
  config.from_name = fields[0];
  spamgate::ComposeRequest request;
  request.to = config.owners;
  request.subject = fields[1];
  if (!fields[2].empty()) {
    request.reply_to = fields[2];
    request.reply_to_name = fields[0];
  }
  request.text_body = fields[3];
  const spamgate::TimePoint now{std::chrono::seconds{1'700'000'000}};
  spamgate::Result<spamgate::MailMessage> message = spamgate::compose_message(config, request, now);
  if (holds_line_breaker(fields[0]) || holds_line_breaker(fields[1]) || holds_line_breaker(fields[2]))
    REQUIRE_INVARIANT(!message.ok());
  if (!message.ok()) {
    REQUIRE_INVARIANT(!message.error().empty() && message.error().find('\n') == std::string::npos);
    return 0;
  }
  REQUIRE_INVARIANT(message->envelope_from == config.from_address);
  REQUIRE_INVARIANT(message->recipients == config.owners);
  if (request.reply_to)
    REQUIRE_INVARIANT(spamgate::is_safe_reply_to_address(*request.reply_to));

  const std::string& text = message->data;
  for (size_t i = 0; i < text.size(); ++i) {  // 7-bit, and every line break is CRLF
    const unsigned char c = static_cast<unsigned char>(text[i]);
    REQUIRE_INVARIANT(c < 0x80 && c != 0);
    if (c == '\r') REQUIRE_INVARIANT(i + 1 < text.size() && text[i + 1] == '\n');
    if (c == '\n') REQUIRE_INVARIANT(i > 0 && text[i - 1] == '\r');
  }
  const size_t split = text.find("\r\n\r\n");
  REQUIRE_INVARIANT(split != std::string::npos);
  const std::set<std::string> allowed = {"From", "To", "Reply-To", "Subject", "Date", "Message-ID",
                                         "Auto-Submitted", "MIME-Version", "Content-Type",
                                         "Content-Transfer-Encoding"};
  std::set<std::string> seen;
  std::string subject;
  std::string* current = nullptr;
  size_t pos = 0;
  while (pos < split + 2) {
    const size_t end = text.find("\r\n", pos);
    const std::string line = text.substr(pos, end - pos);
    pos = end + 2;
    REQUIRE_INVARIANT(line.size() <= 998);
    for (char c : line) REQUIRE_INVARIANT(c >= 0x20 && c < 0x7F);
    if (line[0] == ' ') {
      REQUIRE_INVARIANT(line.find_first_not_of(' ') != std::string::npos);  // no whitespace-only line
      if (current) {
        REQUIRE_INVARIANT(line.size() <= 78);
        *current += line;
      }
      continue;
    }
    const size_t colon = line.find(": ");
    REQUIRE_INVARIANT(colon != std::string::npos || line.back() == ':');
    const std::string name = line.substr(0, colon == std::string::npos ? line.size() - 1 : colon);
    REQUIRE_INVARIANT(allowed.count(name) == 1);
    REQUIRE_INVARIANT(seen.insert(name).second);
    current = nullptr;
    if (name == "Subject") {
      REQUIRE_INVARIANT(line.size() <= 78);
      subject = line.substr(std::min(line.size(), colon + 2));
      current = &subject;
    }
  }
  REQUIRE_INVARIANT(seen.size() == (request.reply_to ? 10u : 9u));
  REQUIRE_INVARIANT(subject == request.subject || decode_subject(subject) == request.subject);

  for (size_t at = split + 4; at < text.size();) {  // quoted-printable lines
    const size_t end = text.find("\r\n", at);
    REQUIRE_INVARIANT(end != std::string::npos && end - at <= 76);
    at = end + 2;
  }
  return 0;
}
