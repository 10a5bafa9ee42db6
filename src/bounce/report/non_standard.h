// Private to the bounce-report parser (src/bounce/report/): stage 4,
// non-standard bounces (qmail "failure notice", Exchange "Undeliverable",
// Postfix "Undelivered Mail Returned to Sender", ...), read from their free
// text with the phrase table in free_text.cpp. Only a machine's report
// counts: a person writing about a bounce is none.
#pragma once

#include "bounce/bounce_report.h"
#include "bounce/report/message.h"

namespace spamgate::bounce_report {

// From a machine (mailer-daemon, postmaster, null Return-Path) wording a
// failure, or an Auto-Submitted/no-reply sender with a failure Subject, or
// `surely_bounce`.
bool worded_as_bounce(const Message& message, const FailureWording& wording, bool surely_bounce);

// The recipients, in order of trust: X-Failed-Recipients; the addresses
// the failure text lists; the recipients of a bounce attached to it (a
// forwarded report, which then gives the whole report); addresses the text
// mentions in passing; the returned message's To. Then kind bounce, each
// recipient "delayed" when the text says delivery goes on ("THIS IS A
// WARNING MESSAGE ONLY"), and the original message. None found: `report`
// keeps its kind.
void read_non_standard(Message& message, BounceReport& report);

}  // namespace spamgate::bounce_report
