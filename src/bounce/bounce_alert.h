// The alert bounce watch mails the owners when a bounce shows that the
// site's own account sent mail spamgate never sent. Everything taken from
// the bounce sits in one block, labelled as quoted from an unauthenticated
// message, one line per field, cut, cleaned of control and bidi characters
// and defanged (util/untrusted_text.h): the alert must never lend its
// authority to a forger's words or links. Pure: builds text only.
#pragma once

#include <string>

#include "bounce/bounce_log.h"
#include "config/config.h"

namespace spamgate {

// Characters kept of each quoted field.
inline constexpr size_t kAlertQuotedChars = 200;

// The text/plain body: what the evidence (row.evidence) shows, what to do
// (change the SMTP password), then the quoted fields of the returned
// message: From, Subject, Message-ID, recipient, refusing host, reason.
std::string hijack_alert_text(const Config& config, const BounceRow& row);

}  // namespace spamgate
