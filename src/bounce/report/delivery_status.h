// Private to the bounce-report parser (src/bounce/report/): stage 2, RFC
// 3464 delivery-status reports. The recipient blocks of a
// message/delivery-status part, or from a machine sender the same fields
// written into the text (Amazon WorkMail), and the values of their fields.
// Every recipient not delivered, relayed or expanded counts; each keeps
// its Action ("failed", "delayed", ...).
#pragma once

#include <string>

#include "bounce/bounce_report.h"
#include "bounce/report/message.h"

namespace spamgate::bounce_report {

// Adds the recipients the report's delivery-status blocks list; a block
// that states no status or diagnostic (or only "5.0.0") is completed from
// what the failure text says about its recipient.
void read_delivery_status(Message& message, BounceReport& report);

// "rfc822; User@Example.org" -> "user@example.org"; "" unless an address.
std::string typed_address(const std::string& value);
// "dns; mx.example.net (comment)" -> "mx.example.net".
std::string mta_name(const std::string& value);
// "smtp; 550 5.1.1 ..." -> "550 5.1.1 ...": the diagnostic type dropped, one line.
std::string without_type(const std::string& diagnostic);

}  // namespace spamgate::bounce_report
