// `spamgate mail test`: sends one test message with the configured account
// to the configured owners and prints the SMTP conversation, with the
// client's AUTH arguments and the message body left out. Never prints a secret.
#pragma once

#include <ostream>
#include <string>

#include "config/config.h"
#include "util/clock.h"
#include "util/result.h"

namespace spamgate {

// Reads the secret, composes a test message to config.mail.owners, sends it
// and writes the conversation summary to `out`, one line per SMTP line
// ("S: 250 ..." / "C: EHLO"). Returns a one-line outcome ("sent to 2
// recipients") on success, or the reason (bad config, unreadable secret,
// the server's refusal) on failure.
Result<std::string> run_mail_test(const Config& config, const Clock& clock, std::ostream& out);

}  // namespace spamgate
