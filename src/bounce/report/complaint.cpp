#include "bounce/report/complaint.h"

#include <string>

#include "bounce/report/delivery_status.h"
#include "bounce/report/text.h"

namespace spamgate::bounce_report {

namespace mime = bounce_mime;
namespace text = bounce_text;

bool is_complaint(const Message& message, const BounceReport& report) {
  const mime::Content& content = message.content;
  const bool jmrp =
      content.returned && text::lower(report.subject).find("complaint about message from") != std::string::npos;
  return !content.feedback_report.empty() || content.report_type == "feedback-report" || jmrp ||
         text::lower(text::trim(mime::header(message.top, "X-Apple-Unsubscribe"))) == "true";
}

void read_complaint(const Message& message, BounceReport& report) {
  const mime::Content& content = message.content;
  report.kind = MessageKind::complaint;
  for (const std::string& part : content.feedback_report)
    for (const text::Fields& block : text::field_blocks(part))
      for (const auto& [name, value] : block) {
        if (name == "reporting-mta" && report.reporting_mta.empty()) report.reporting_mta = mta_name(value);
        if (name == "original-rcpt-to" || name == "removal-recipient")
          if (const std::string address = typed_address(value); !address.empty())
            add_recipient(report, {address, "", "", ""}, message.limits);
      }
  if (report.recipients.empty() && content.returned) {
    std::string complainer = mime::header(GMIME_OBJECT(content.returned), "X-HmXmrOriginalRecipient");
    if (complainer.empty()) complainer = mime::header(GMIME_OBJECT(content.returned), "To");
    const auto hits = text::find_addresses(complainer, 2);
    if (hits.size() == 1) add_recipient(report, {hits.front().address, "", "", ""}, message.limits);
  }
}

}  // namespace spamgate::bounce_report
