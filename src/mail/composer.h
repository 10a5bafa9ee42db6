// Composer: builds the RFC 5322 bytes of a notification from the config and
// a request. From and the envelope are the configured account; a value that
// could break out of a header (CR, LF, NUL, U+0085/2028/2029, an
// encoded-word) is refused, never cleaned. Non-ASCII is RFC 2047-encoded here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "mail/mail_message.h"
#include "util/clock.h"
#include "util/result.h"

namespace spamgate {

struct ComposeRequest {
  std::vector<std::string> to;            // recipients; the caller takes them from the config
  // The submitter's address. The composer refuses anything but one valid
  // addr-spec; callers drop an address that fails is_safe_reply_to_address
  // rather than let the whole notification fail.
  std::optional<std::string> reply_to;
  std::string subject;                    // UTF-8, one line
  std::string text_body;                  // UTF-8, any line ends (normalised to CRLF)
  std::optional<std::string> reply_to_name;  // display name for Reply-To, UTF-8, one line
};

// Builds the message: From = config.from_name <config.from_address>,
// To = request.to (duplicates dropped), Reply-To = reply_to (with
// reply_to_name) when given, Subject, Date (from `now`, UTC), Message-ID
// on config.site_domain (or from_address's domain), Auto-Submitted, MIME
// text/plain UTF-8 quoted-printable (invalid UTF-8 in the body becomes
// U+FFFD). Envelope: MAIL FROM = from_address, RCPT TO = request.to.
// Fails with a one-line reason naming the field ("subject: line feed")
// when any header value is unsafe or not UTF-8, any address (from, to,
// reply_to) is not exactly one valid addr-spec or starts with '-', `to` is
// empty, or a `to` address is in neither config.owners nor
// config.allowed_recipients.
Result<MailMessage> compose_message(const MailConfig& config, const ComposeRequest& request, TimePoint now);

}  // namespace spamgate
