#include "bounce/report/message.h"

#include <algorithm>
#include <string>
#include <utility>

#include "bounce/report/text.h"

namespace spamgate::bounce_report {

namespace text = bounce_text;

namespace {

// Where GMime found no text (a MIME structure it could not follow): the raw body.
std::string raw_body(std::string_view raw) {
  size_t body = raw.find("\n\n");
  if (const size_t crlf = raw.find("\r\n\r\n"); crlf != std::string_view::npos && crlf < body) body = crlf;
  return body == std::string_view::npos ? "" : std::string(raw.substr(body, 512 * 1024));
}

bounce_mime::Content content_of(GMimeMessage* message, std::string_view raw, int depth,
                                const BounceParseLimits& limits, int& parts) {
  bounce_mime::Content content = bounce_mime::collect(message, limits, depth, parts);
  if (content.text.empty() && content.delivery_status.empty() && !content.beyond_limits) content.text = raw_body(raw);
  return content;
}

}  // namespace

Message::Message(GMimeMessage* parsed, std::string_view raw, int depth, const BounceParseLimits& read_limits,
                 int& parts_walked)
    : message(parsed),
      top(GMIME_OBJECT(parsed)),
      limits(read_limits),
      parts(parts_walked),
      content(content_of(parsed, raw, depth, read_limits, parts_walked)),
      sections(text::find_sections(content.text)),
      failure(std::string_view(content.text).substr(0, std::min(sections.original, content.text.size())),
              sections.failure_marker),
      sender(read_sender(top)),
      machine(sender.system || sender.null_path || !sender.failed.empty()) {}

FailureWording failure_wording(const Message& message, const BounceReport& report) {
  return {text::has_phrase(report.subject, text::Phrases::bounce_subject),
          text::has_phrase(message.failure.text(), text::Phrases::failure_words)};
}

void add_recipient(BounceReport& report, FailedRecipient r, const BounceParseLimits& limits) {
  for (FailedRecipient& known : report.recipients)
    if (known.address == r.address) {  // the same recipient twice: the first block, completed
      if (known.status.empty()) known.status = r.status;
      if (known.diagnostic.empty()) known.diagnostic = r.diagnostic;
      return;
    }
  if (static_cast<int>(report.recipients.size()) < limits.max_recipients) report.recipients.push_back(std::move(r));
}

}  // namespace spamgate::bounce_report
