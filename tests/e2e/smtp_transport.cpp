#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "harness/process.h"
#include "harness/smtp_server.h"
#include "mail/composer.h"
#include "mail/curl_smtp_transport.h"
#include "mail/test_message_command.h"

using namespace spamgate;

namespace {

const TimePoint kNow{std::chrono::seconds{1'700'000'000}};

MailMessage compose(const MailConfig& mail, const std::string& subject = "New comment awaiting moderation") {
  ComposeRequest request;
  request.to = mail.owners;
  request.reply_to = "visitor@example.org";
  request.reply_to_name = "山田太郎";
  request.subject = subject;
  request.text_body = "A new comment is waiting.\n.\nThe line above is a lone dot.\n";
  Result<MailMessage> message = compose_message(mail, request, kNow);
  REQUIRE_MESSAGE(message.ok(), (message.ok() ? "" : message.error()));
  return *message;
}

SendResult send_with(const MailConfig& mail, const std::string& secret, const MailMessage& message,
                     std::vector<TranscriptLine>* transcript = nullptr) {
  CurlSmtpTransport transport(mail, secret);
  return transport.send(message, transcript);
}

bool contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

bool any_starts_with(const std::vector<std::string>& lines, const std::string& prefix) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

std::string transcript_text(const std::vector<TranscriptLine>& transcript) {
  std::string out;
  for (const auto& line : transcript) out += (line.from_server ? "S: " : "C: ") + line.text + "\n";
  return out;
}

struct Fixture {
  harness::TempDir dir{"spamgate-smtp"};
  harness::TestCa ca = harness::make_test_ca(dir.path(), "trusted");
};

}  // namespace

TEST_CASE("smtp: a message goes through STARTTLS and AUTH and arrives byte for byte") {
  Fixture f;
  harness::SmtpServer server(f.dir.path(), f.ca);
  MailConfig mail = server.mail_config(f.ca.ca_cert);
  mail.owners = {"owner@blog.test", "editor@blog.test"};
  const MailMessage message = compose(mail);
  std::vector<TranscriptLine> transcript;
  const SendResult result = send_with(mail, server.options().password, message, &transcript);
  INFO(result.server_reply);
  INFO(server.log());
  REQUIRE(result.outcome == SendOutcome::sent);
  CHECK(result.server_reply.rfind("250 2.0.0 OK queued", 0) == 0);

  REQUIRE(server.wait_for_messages(1));
  const auto messages = server.messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].mail_from == "notify@blog.test");
  CHECK(messages[0].recipients == std::vector<std::string>{"owner@blog.test", "editor@blog.test"});
  CHECK(messages[0].auth_login == "notify@blog.test");
  CHECK(messages[0].tls);
  CHECK(messages[0].data == message.data);
  const std::string& data = messages[0].data;
  CHECK(data.find("From: \"Blog notifications\" <notify@blog.test>\r\n") == 0);
  CHECK(data.find("\r\nTo: owner@blog.test, editor@blog.test\r\n") != std::string::npos);
  CHECK(data.find("\r\nReply-To: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <visitor@example.org>\r\n") != std::string::npos);
  CHECK(data.find("\r\nAuto-Submitted: auto-generated\r\n") != std::string::npos);
  CHECK(data.find("@blog.test>\r\n") != std::string::npos);
  CHECK(data.find("\r\n\r\nA new comment is waiting.\r\n=2E\r\nThe line above is a lone dot.\r\n") !=
        std::string::npos);

  const auto events = server.events();
  CHECK(contains(events, "clear STARTTLS"));
  CHECK(contains(events, "tls AUTH"));
  CHECK_FALSE(contains(events, "clear AUTH"));
  CHECK_FALSE(contains(events, "clear MAIL"));
  const std::string text = transcript_text(transcript);
  CHECK(text.find("C: STARTTLS\n") != std::string::npos);
  CHECK(text.find("S: 235 2.7.0 Authentication successful\n") != std::string::npos);
  CHECK(text.find(server.options().password) == std::string::npos);
}

TEST_CASE("smtp: a wrong password is a permanent failure carrying the 535 and never the password") {
  Fixture f;
  harness::SmtpServer server(f.dir.path(), f.ca);
  const MailConfig mail = server.mail_config(f.ca.ca_cert);
  std::vector<TranscriptLine> transcript;
  const SendResult result = send_with(mail, "wrong-password-123", compose(mail), &transcript);
  CHECK(result.outcome == SendOutcome::permanent_failure);
  CHECK(result.server_reply.find("535") != std::string::npos);
  CHECK(result.server_reply.find("wrong-password-123") == std::string::npos);
  CHECK(transcript_text(transcript).find("wrong-password-123") == std::string::npos);
  CHECK(server.messages().empty());
  CHECK(contains(server.events(), "auth-fail notify@blog.test"));
  CHECK_FALSE(contains(server.events(), "tls MAIL"));
}

TEST_CASE("smtp: a certificate from an untrusted CA is refused before anything but EHLO and STARTTLS") {
  Fixture f;
  const harness::TestCa other = harness::make_test_ca(f.dir.path(), "other");
  harness::SmtpServer server(f.dir.path(), f.ca);
  const MailConfig mail = server.mail_config(other.ca_cert);  // the client trusts a different CA
  std::vector<TranscriptLine> transcript;
  const SendResult result = send_with(mail, server.options().password, compose(mail), &transcript);
  INFO(result.server_reply);
  CHECK(result.outcome == SendOutcome::permanent_failure);
  CHECK(result.server_reply.find("configuration problem") != std::string::npos);
  CHECK(server.messages().empty());
  const auto events = server.events();
  CHECK(contains(events, "clear STARTTLS"));
  CHECK_FALSE(any_starts_with(events, "clear AUTH"));
  CHECK_FALSE(any_starts_with(events, "tls "));
  CHECK_FALSE(any_starts_with(events, "auth-"));
  for (const auto& line : transcript)
    if (!line.from_server) CHECK_MESSAGE((line.text == "EHLO" || line.text == "STARTTLS"), line.text);
}

TEST_CASE("smtp: the system CA store does not trust the test CA either") {
  Fixture f;
  harness::SmtpServer server(f.dir.path(), f.ca);
  const MailConfig mail = server.mail_config("");
  const SendResult result = send_with(mail, server.options().password, compose(mail));
  CHECK(result.outcome == SendOutcome::permanent_failure);
  CHECK(server.messages().empty());
}

TEST_CASE("smtp: 451 is a temporary failure and the retry is accepted") {
  Fixture f;
  harness::SmtpServerOptions options;
  options.fail_first = 1;
  harness::SmtpServer server(f.dir.path(), f.ca, options);
  const MailConfig mail = server.mail_config(f.ca.ca_cert);
  const MailMessage message = compose(mail);
  const SendResult first = send_with(mail, options.password, message);
  CHECK(first.outcome == SendOutcome::temporary_failure);
  CHECK(first.server_reply.find("451 4.3.0") != std::string::npos);
  CHECK(server.messages().empty());
  const SendResult second = send_with(mail, options.password, message);
  CHECK(second.outcome == SendOutcome::sent);
  REQUIRE(server.wait_for_messages(1));
  CHECK(server.messages().size() == 1);
  CHECK(server.messages()[0].data == message.data);
}

TEST_CASE("smtp: 550 for a recipient is a permanent failure and nothing is delivered") {
  Fixture f;
  harness::SmtpServerOptions options;
  options.reject_recipients = "^gone@";
  harness::SmtpServer server(f.dir.path(), f.ca, options);
  MailConfig mail = server.mail_config(f.ca.ca_cert, "gone@blog.test");
  const SendResult result = send_with(mail, options.password, compose(mail));
  CHECK(result.outcome == SendOutcome::permanent_failure);
  INFO(result.server_reply);
  CHECK(result.server_reply.find("550 5.1.1") != std::string::npos);
  CHECK(server.messages().empty());
}

TEST_CASE("smtp: a 550 after DATA is permanent, a 421/451 after DATA temporary") {
  Fixture f;
  harness::SmtpServer server(f.dir.path(), f.ca);
  const MailConfig mail = server.mail_config(f.ca.ca_cert);
  server.set_data_reply("550 5.7.1 Message refused by policy");
  SendResult result = send_with(mail, server.options().password, compose(mail));
  CHECK(result.outcome == SendOutcome::permanent_failure);
  CHECK(result.server_reply.find("550 5.7.1 Message refused by policy") != std::string::npos);
  server.set_data_reply("452 4.3.1 Insufficient system storage");
  result = send_with(mail, server.options().password, compose(mail));
  CHECK(result.outcome == SendOutcome::temporary_failure);
  server.set_data_reply("");
  result = send_with(mail, server.options().password, compose(mail));
  CHECK(result.outcome == SendOutcome::sent);
  CHECK(server.messages().size() == 1);
}

TEST_CASE("smtp: smtps (TLS from the first byte) works") {
  Fixture f;
  harness::SmtpServerOptions options;
  options.implicit_tls = true;
  harness::SmtpServer server(f.dir.path(), f.ca, options);
  const MailConfig mail = server.mail_config(f.ca.ca_cert);
  CHECK(mail.smtp_url.rfind("smtps://", 0) == 0);
  const SendResult result = send_with(mail, options.password, compose(mail));
  INFO(result.server_reply);
  INFO(server.log());
  CHECK(result.outcome == SendOutcome::sent);
  REQUIRE(server.wait_for_messages(1));
  CHECK(server.messages()[0].tls);
  CHECK_FALSE(any_starts_with(server.events(), "clear "));
}

TEST_CASE("smtp: XOAUTH2 with a bearer token") {
  Fixture f;
  harness::SmtpServerOptions options;
  options.xoauth2_token = "ya29.test-token";
  harness::SmtpServer server(f.dir.path(), f.ca, options);
  const MailConfig mail = server.mail_config(f.ca.ca_cert);
  REQUIRE(mail.auth == "xoauth2");
  std::vector<TranscriptLine> transcript;
  SendResult result = send_with(mail, options.xoauth2_token, compose(mail), &transcript);
  INFO(result.server_reply);
  INFO(server.log());
  CHECK(result.outcome == SendOutcome::sent);
  CHECK(transcript_text(transcript).find("C: AUTH XOAUTH2\n") != std::string::npos);
  CHECK(transcript_text(transcript).find("ya29") == std::string::npos);
  REQUIRE(server.wait_for_messages(1));
  CHECK(server.messages()[0].auth_login == "notify@blog.test");

  result = send_with(mail, "ya29.wrong", compose(mail));
  CHECK(result.outcome == SendOutcome::permanent_failure);
  CHECK(result.server_reply.find("535") != std::string::npos);
  CHECK(server.messages().size() == 1);
}

TEST_CASE("smtp: a server that offers no AUTH gets no message") {
  Fixture f;
  harness::SmtpServerOptions options;
  options.offer_auth = false;
  harness::SmtpServer server(f.dir.path(), f.ca, options);
  const MailConfig mail = server.mail_config(f.ca.ca_cert);
  const SendResult result = send_with(mail, options.password, compose(mail));
  CHECK(result.outcome == SendOutcome::permanent_failure);
  INFO(result.server_reply);
  CHECK(result.server_reply.find("did not authenticate") != std::string::npos);
  CHECK(server.messages().empty());
  CHECK_FALSE(contains(server.events(), "tls AUTH"));
  CHECK(contains(server.events(), "tls DATA"));  // curl went on without AUTH; our guard stopped the bytes
}

TEST_CASE("smtp: connection refused and a silent server are temporary failures") {
  Fixture f;
  MailConfig mail;
  mail.smtp_url = "smtp://127.0.0.1:" + std::to_string(harness::free_port());
  mail.username = mail.from_address = "notify@blog.test";
  mail.owners = {"owner@blog.test"};
  mail.ca_file = f.ca.ca_cert;
  SendResult result = send_with(mail, "pw", compose(mail));
  CHECK(result.outcome == SendOutcome::temporary_failure);

  // Accepts TCP connections (kernel backlog) but never greets.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(fd, 4) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  mail.smtp_url = "smtp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  mail.timeout_seconds = 1;
  mail.connect_timeout_seconds = 1;
  result = send_with(mail, "pw", compose(mail));
  close(fd);
  INFO(result.server_reply);
  CHECK(result.outcome == SendOutcome::temporary_failure);
}

TEST_CASE("smtp: spamgate mail test prints the conversation without the secret") {
  Fixture f;
  harness::SmtpServer server(f.dir.path(), f.ca);
  Config config;
  config.mail = server.mail_config(f.ca.ca_cert);
  ManualClock clock;
  std::ostringstream out;
  Result<std::string> outcome = run_mail_test(config, clock, out);
  INFO(out.str());
  REQUIRE(outcome.ok());
  CHECK(*outcome == "sent to 1 recipient");
  const std::string text = out.str();
  CHECK(text.find("envelope: MAIL FROM:<notify@blog.test> RCPT TO:<owner@blog.test>\n") != std::string::npos);
  CHECK(text.find("C: EHLO\n") != std::string::npos);
  CHECK(text.find("C: STARTTLS\n") != std::string::npos);
  CHECK((text.find("C: AUTH PLAIN\n") != std::string::npos || text.find("C: AUTH LOGIN\n") != std::string::npos));
  CHECK(text.find("S: 235 ") != std::string::npos);
  CHECK(text.find("result: sent: 250 ") != std::string::npos);
  CHECK(text.find(server.options().password) == std::string::npos);
  REQUIRE(server.wait_for_messages(1));
  CHECK(server.messages()[0].data.find("Subject: spamgate test message\r\n") != std::string::npos);

  config.mail.password.file = f.dir / "missing-secret";
  std::ostringstream ignored;
  Result<std::string> failed = run_mail_test(config, clock, ignored);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error() == "mail.password: " + (f.dir / "missing-secret") + ": cannot read secret file");
}
