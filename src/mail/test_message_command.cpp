#include "mail/test_message_command.h"

#include "mail/composer.h"
#include "mail/curl_smtp_transport.h"
#include "mail/outbox.h"

namespace spamgate {

Result<std::string> run_mail_test(const Config& config, const Clock& clock, std::ostream& out) {
  const MailConfig& mail = config.mail;
  if (Status valid = validate_transport_config(mail); !valid) return Error{valid.error()};
  if (mail.owners.empty()) return Error{"mail.owners is empty: no one to send the test message to"};
  Result<std::string> secret = read_secret(mail.password, config);
  if (!secret) return Error{"mail.password: " + secret.error()};

  ComposeRequest request;
  request.to = mail.owners;
  request.subject = "spamgate test message";
  request.text_body =
      "This is a test message from spamgate (`spamgate mail test`).\n"
      "If you can read it, notification mail from this site reaches its owners.\n";
  Result<MailMessage> message = compose_message(mail, request, clock.now());
  if (!message) return Error{message.error()};

  out << "server: " << mail.smtp_url << "\n"
      << "account: " << mail.username << " (auth " << mail.auth << ")\n"
      << "envelope: MAIL FROM:<" << message->envelope_from << ">";
  for (const std::string& rcpt : message->recipients) out << " RCPT TO:<" << rcpt << ">";
  out << "\n";

  CurlSmtpTransport transport(mail, *secret);
  std::vector<TranscriptLine> transcript;
  const SendResult result = transport.send(*message, &transcript);
  for (const TranscriptLine& line : transcript) out << (line.from_server ? "S: " : "C: ") << line.text << "\n";
  out << "result: " << to_string(result.outcome) << ": " << result.server_reply << "\n";
  if (result.outcome != SendOutcome::sent) return Error{result.server_reply};
  // Kept as sent, so a bounce of the test message counts as spamgate's own.
  auto outbox = Outbox::open(config.resolve(config.store.path), clock, BackoffPolicy::from(mail));
  if (outbox) (void)(*outbox)->record_sent(OutboxKind::test, *message, request.subject, result.server_reply);
  return "sent to " + std::to_string(message->recipients.size()) + " recipient" +
         (message->recipients.size() == 1 ? "" : "s");
}

}  // namespace spamgate
