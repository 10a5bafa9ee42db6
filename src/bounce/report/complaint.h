// Private to the bounce-report parser (src/bounce/report/): stage 1,
// complaints. A message/feedback-report part (RFC 5965, ARF), Microsoft's
// JMRP ("complaint about message from ..." with the message attached),
// Apple's X-Apple-Unsubscribe reports. The recipient is the complainer.
#pragma once

#include "bounce/bounce_report.h"
#include "bounce/report/message.h"

namespace spamgate::bounce_report {

// Whether the message is a complaint (report.subject already read).
bool is_complaint(const Message& message, const BounceReport& report);

// Kind complaint; the recipients from the feedback report's
// Original-Rcpt-To and Removal-Recipient, else the one address of the
// returned message's X-HmXmrOriginalRecipient or To; its Reporting-MTA.
void read_complaint(const Message& message, BounceReport& report);

}  // namespace spamgate::bounce_report
