// SmtpTransport: hands one MailMessage to an SMTP server and says whether
// it was accepted, should be retried, or failed for good. Kept behind an
// interface so the outbox can be tested with a fake. Never logs a secret.
#pragma once

#include <string>

#include "mail/mail_message.h"

namespace spamgate {

enum class SendOutcome {
  sent,               // the server accepted the message (250 after DATA)
  temporary_failure,  // 4xx, connection refused, timeout, DNS: retry later
  permanent_failure,  // 5xx (incl. 535 auth), certificate not trusted: keep and report
};

struct SendResult {
  SendOutcome outcome = SendOutcome::permanent_failure;
  // The last SMTP reply line(s) or the curl error, one line, never a secret.
  std::string server_reply;
};

class SmtpTransport {
 public:
  virtual ~SmtpTransport() = default;
  // Sends `message` to message.recipients. Never throws; every failure is
  // a SendResult with a reason.
  virtual SendResult send(const MailMessage& message) = 0;
};

const char* to_string(SendOutcome outcome);

}  // namespace spamgate
