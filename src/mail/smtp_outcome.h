// SMTP outcome classification: which failures are worth retrying. Kept
// apart from the curl transport so the rules are unit-tested on their own.
// It never looks at message content.
#pragma once

#include "mail/smtp_transport.h"

namespace spamgate {

// Classifies a finished curl SMTP transfer. `curl_code` is the CURLcode,
// `response_code` the last SMTP reply code (0 when none).
// sent: curl_code 0. permanent: certificate or TLS-policy failures, a 5xx
// reply, login denied without a 4xx, a malformed URL or unsupported
// protocol. temporary: a 4xx reply, and connection, DNS, timeout and
// network errors without a 5xx reply.
SendOutcome classify_smtp_result(int curl_code, long response_code);

// True when `curl_code` says the server's certificate was not trusted or
// the TLS policy could not be met: a configuration problem, not a glitch.
bool is_tls_config_failure(int curl_code);

}  // namespace spamgate
