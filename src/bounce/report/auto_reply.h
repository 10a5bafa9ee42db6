// Private to the bounce-report parser (src/bounce/report/): stage 3,
// auto-replies (RFC 3834 Auto-Submitted: auto-replied, X-Autoreply,
// "Out of office" subjects and texts), and the signs that overrule them:
// Exim, Gmail and Office 365 mark their bounces auto-replied too.
#pragma once

#include "bounce/bounce_report.h"
#include "bounce/report/message.h"

namespace spamgate::bounce_report {

// A bounce whatever its other headers say: X-Failed-Recipients,
// report-type=delivery-status, or a mailer-daemon/postmaster sender
// wording a delivery failure.
bool surely_bounce(const Message& message, const FailureWording& wording);

// Auto-reply headers or Subject, or an auto-reply's wording from an
// automatic sender (Auto-Submitted, null Return-Path).
bool looks_auto_reply(const Message& message, const BounceReport& report);

}  // namespace spamgate::bounce_report
