// MailMessage: one message ready for SMTP, as the composer built it and the
// outbox stores it. It never carries anything the config did not choose for
// the envelope: sender and recipients come only from MailConfig.
#pragma once

#include <string>
#include <vector>

namespace spamgate {

struct MailMessage {
  std::string envelope_from;            // MAIL FROM: the configured account
  std::vector<std::string> recipients;  // RCPT TO: configured addresses only
  std::string data;                     // full RFC 5322 bytes, CRLF line ends
};

}  // namespace spamgate
