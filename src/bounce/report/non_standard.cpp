#include "bounce/report/non_standard.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "bounce/report/free_text.h"
#include "bounce/report/original_message.h"
#include "bounce/report/read.h"
#include "bounce/report/text.h"

namespace spamgate::bounce_report {

namespace mime = bounce_mime;
namespace text = bounce_text;

namespace {

void recipients_from_text(Message& message, BounceReport& report) {
  // Never the report's own parties, nor the returned message's sender.
  std::string parties;
  for (const char* name : {"From", "To", "Cc", "Reply-To", "Sender", "Return-Path"})
    parties += mime::header(message.top, name) + "\n";
  const Original original = returned_original(message);
  parties += original.from;
  std::vector<std::string> exclude;
  for (const auto& hit : text::find_addresses(parties, 100)) exclude.push_back(hit.address);
  const std::vector<text::Candidate>& candidates = message.failure.read_candidates(exclude);

  const BounceParseLimits& limits = message.limits;
  const auto take = [&](const std::vector<std::string>& addresses) {
    for (const std::string& address : addresses) {
      const Said said = message.failure.said_about(address);
      add_recipient(report, {address, said.status, "", said.diagnostic}, limits);
    }
    return !report.recipients.empty();
  };
  const auto tier = [&](int wanted) {
    std::vector<std::string> addresses;
    for (const text::Candidate& c : candidates)
      if (c.tier == wanted) addresses.push_back(c.address);
    return addresses;
  };
  if (take(message.sender.failed) || take(tier(0)) || take(tier(1))) return;
  // A bounce attached to this one (a forwarded report): its recipients.
  const mime::Content& content = message.content;
  if (content.returned && content.returned_depth <= limits.max_mime_depth) {
    BounceReport attached = read_report(content.returned, "", content.returned_depth, limits, message.parts);
    if (attached.kind == MessageKind::bounce) {
      report.kind = MessageKind::bounce;
      report.recipients = std::move(attached.recipients);
      report.original_message_id = attached.original_message_id;
      report.original_from = attached.original_from;
      report.original_subject = attached.original_subject;
      report.reporting_mta = attached.reporting_mta;
      return;
    }
  }
  if (take(tier(2)) || take(tier(3))) return;
  // Naming nobody: the returned message was addressed to the failed recipient.
  std::vector<std::string> to;
  for (const auto& hit : text::find_addresses(original.to, 20))
    if (std::find(exclude.begin(), exclude.end(), hit.address) == exclude.end()) to.push_back(hit.address);
  take(to);
}

}  // namespace

bool worded_as_bounce(const Message& message, const FailureWording& wording, bool surely_bounce) {
  const Sender& sender = message.sender;
  return surely_bounce || (message.machine && wording.text) ||
         ((message.machine || sender.auto_submitted || sender.no_reply) && wording.subject);
}

void read_non_standard(Message& message, BounceReport& report) {
  recipients_from_text(message, report);
  if (report.recipients.empty() || report.kind == MessageKind::bounce) return;  // none, or an attached bounce's
  const std::string wording = text::lower(report.subject + "\n" + std::string(message.failure.text()));
  const bool delayed = text::has_phrase(wording, text::Phrases::delay_words) &&
                       wording.find("permanent") == std::string::npos &&
                       wording.find("given up") == std::string::npos;
  for (FailedRecipient& r : report.recipients) r.action = delayed ? "delayed" : "";
  report.kind = MessageKind::bounce;
  fill_original(message, report);
}

}  // namespace spamgate::bounce_report
