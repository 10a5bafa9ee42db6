// CurlSmtpTransport: the real SmtpTransport, over libcurl. Only smtp://
// with STARTTLS required, or smtps://; always AUTH; certificate checks on
// unless the config says otherwise. What the client sends (AUTH
// credentials) is never recorded; only the server's replies are.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "mail/smtp_transport.h"

namespace spamgate {

// One line of an SMTP conversation for `spamgate mail test`: server reply
// lines as received, client lines as the command verb only (AUTH's
// arguments and the message body are never included).
struct TranscriptLine {
  bool from_server = false;
  std::string text;
};

class CurlSmtpTransport final : public SmtpTransport {
 public:
  // `config` gives the URL, account, auth method, CA file and timeouts
  // (connect_timeout_seconds to connect; timeout_seconds per server
  // response; their sum for the whole exchange); `secret` is the password
  // or the XOAUTH2 bearer token (see read_secret). Refuses to send message
  // bytes unless the server accepted AUTH.
  CurlSmtpTransport(MailConfig config, std::string secret);

  SendResult send(const MailMessage& message) override;

  // As send(), and appends the redacted conversation to `transcript`.
  SendResult send(const MailMessage& message, std::vector<TranscriptLine>* transcript);

 private:
  MailConfig config_;
  std::string secret_;
};

// Checks that `config` names a transport this class accepts (smtp:// or
// smtps:// URL, an account, a known auth method). Returns the reason when not.
Status validate_transport_config(const MailConfig& config);

}  // namespace spamgate
