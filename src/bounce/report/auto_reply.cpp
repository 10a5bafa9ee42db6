#include "bounce/report/auto_reply.h"

#include "bounce/report/free_text.h"

namespace spamgate::bounce_report {

using bounce_text::has_phrase;
using bounce_text::Phrases;

bool surely_bounce(const Message& message, const FailureWording& wording) {
  const Sender& sender = message.sender;
  return !sender.failed.empty() || message.content.report_type == "delivery-status" ||
         (sender.system && (wording.subject || wording.text));
}

bool looks_auto_reply(const Message& message, const BounceReport& report) {
  const Sender& sender = message.sender;
  return sender.autoreply_header || sender.auto_replied || has_phrase(report.subject, Phrases::auto_subject) ||
         ((sender.auto_submitted || sender.null_path) && has_phrase(message.content.text, Phrases::auto_body));
}

}  // namespace spamgate::bounce_report
