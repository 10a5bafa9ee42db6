// How a message is read (bounce_report.h says what comes out), one stage a
// file, the first that finds something decides:
//  1. Complaints (complaint.cpp): ARF, JMRP, Apple's unsubscribe reports.
//  2. Recipient blocks of RFC 3464 (delivery_status.cpp), or an Amazon SES
//     notice in JSON (ses_notification.cpp). A report naming only "delayed"
//     recipients (a warning: delivery is still being tried) is a bounce
//     too, as Sisimai reads it; the failed recipients come first, so a
//     caller can tell a warning from a failure.
//  3. Auto-replies (auto_reply.cpp), unless the message is surely a bounce.
//  4. Non-standard bounces (non_standard.cpp, with the phrase table in
//     free_text.cpp), only from a machine wording a failure.
// Each stage that finds something fills the original message last
// (original_message.cpp).
#include "bounce/report/read.h"

#include <algorithm>

#include "bounce/report/auto_reply.h"
#include "bounce/report/complaint.h"
#include "bounce/report/delivery_status.h"
#include "bounce/report/message.h"
#include "bounce/report/non_standard.h"
#include "bounce/report/original_message.h"
#include "bounce/report/ses_notification.h"
#include "bounce/report/text.h"

namespace spamgate::bounce_report {

namespace text = bounce_text;

BounceReport read_report(GMimeMessage* parsed, std::string_view raw, int depth, const BounceParseLimits& limits,
                         int& parts) {
  BounceReport report;
  GMimeObject* top = GMIME_OBJECT(parsed);
  report.from = text::one_line(bounce_mime::header(top, "From"), 300);
  report.subject = text::one_line(bounce_mime::header(top, "Subject"), 300);
  Message message(parsed, raw, depth, limits, parts);

  // 1. Complaints.
  if (is_complaint(message, report)) {
    read_complaint(message, report);
    fill_original(message, report);
    return report;
  }

  // 2. RFC 3464 recipient blocks, else an SES notice.
  read_delivery_status(message, report);
  const Sender& sender = message.sender;
  if (report.recipients.empty() && (message.machine || sender.no_reply || sender.auto_submitted))
    read_ses_notification(message.content.text, report, limits);
  if (!report.recipients.empty()) {
    std::stable_partition(report.recipients.begin(), report.recipients.end(),
                          [](const FailedRecipient& r) { return r.action != "delayed"; });
    if (report.kind == MessageKind::not_a_bounce) report.kind = MessageKind::bounce;
    fill_original(message, report);
    return report;
  }

  // 3. Auto-replies.
  const FailureWording wording = failure_wording(message, report);
  const bool surely = surely_bounce(message, wording);
  if (!surely && looks_auto_reply(message, report)) {
    report.kind = MessageKind::auto_reply;
    fill_original(message, report);
    return report;
  }

  // 4. Non-standard bounces.
  if (worded_as_bounce(message, wording, surely)) read_non_standard(message, report);
  return report;
}

}  // namespace spamgate::bounce_report
