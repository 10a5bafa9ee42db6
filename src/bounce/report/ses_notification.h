// Private to the bounce-report parser (src/bounce/report/): Amazon SES
// notifications sent by e-mail (SNS), read where a report carries no RFC
// 3464 part. JSON only; never throws on a malformed notice.
#pragma once

#include <string_view>

#include "bounce/bounce_report.h"

namespace spamgate::bounce_report {

// A JSON object with "notificationType" (or "eventType") Bounce or
// Complaint, bare or as the "Message" string of an SNS envelope. Fills the
// recipients, reporting MTA and original message; a Complaint sets kind
// complaint. Delivery notices and anything else leave `report` as it was.
void read_ses_notification(std::string_view text, BounceReport& report, const BounceParseLimits& limits);

}  // namespace spamgate::bounce_report
