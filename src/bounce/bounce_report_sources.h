// Private to the bounce-report parser (bounce_report.cpp): the structured
// things a report states. Its own headers (who sent it and why), the values
// of RFC 3464 fields, and Amazon SES notices sent as JSON.
#pragma once

#include <gmime/gmime.h>

#include <string>
#include <string_view>
#include <vector>

#include "bounce/bounce_report.h"

namespace spamgate::bounce_sources {

// What the report's own headers say about who wrote it and why.
struct Sender {
  bool system = false;            // mailer-daemon, postmaster, "Mail Delivery System"
  bool null_path = false;         // Return-Path: <>
  bool no_reply = false;          // noreply@ and the like
  bool auto_submitted = false;    // Auto-Submitted, any value but "no"
  bool auto_replied = false;      // Auto-Submitted: auto-replied
  bool autoreply_header = false;  // X-Autoreply, X-Autorespond, Precedence: auto_reply
  std::vector<std::string> failed;  // X-Failed-Recipients (Exim, Gmail)
};

Sender read_sender(GMimeObject* top);

// "rfc822; User@Example.org" -> "user@example.org"; "" unless an address.
std::string typed_address(const std::string& value);
// "dns; mx.example.net (comment)" -> "mx.example.net".
std::string mta_name(const std::string& value);
// "smtp; 550 5.1.1 ..." -> "550 5.1.1 ...": the diagnostic type dropped, one line.
std::string without_type(const std::string& diagnostic);

// Adds `r` unless its address is there already (then completes that one's
// empty status and diagnostic), up to limits.max_recipients.
void add_recipient(BounceReport& report, FailedRecipient r, const BounceParseLimits& limits);

// Amazon SES notifications sent by e-mail (SNS): a JSON object with
// "notificationType" (or "eventType") Bounce or Complaint, bare or as the
// "Message" string of an SNS envelope. Fills the recipients, reporting MTA
// and original message; a Complaint sets kind complaint. Delivery notices
// and anything else leave `report` as it was.
void read_ses_notification(std::string_view text, BounceReport& report, const BounceParseLimits& limits);

}  // namespace spamgate::bounce_sources
