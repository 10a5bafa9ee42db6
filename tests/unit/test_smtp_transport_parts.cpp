#include <doctest/doctest.h>

#include <curl/curl.h>

#include <cstdlib>

#include "config/config.h"
#include "mail/smtp_conversation.h"
#include "mail/smtp_outcome.h"
#include "support/temp_dir.h"

using namespace spamgate;

namespace {

std::string joined(const SmtpConversation& conversation) {
  std::string out;
  for (const TranscriptLine& line : conversation.lines()) out += (line.from_server ? "S: " : "C: ") + line.text + "\n";
  return out;
}

}  // namespace

TEST_CASE("smtp conversation: client AUTH credentials are never kept") {
  SmtpConversation conversation("hunter2");
  conversation.server_lines("220 mail.example ESMTP\r\n");
  conversation.client_lines("EHLO host\r\n");
  conversation.server_lines("250-mail.example\r\n250-AUTH PLAIN LOGIN\r\n250 SMTPUTF8\r\n");
  conversation.client_lines("AUTH PLAIN AHVzZXIAaHVudGVyMg==\r\n");
  conversation.server_lines("235 2.7.0 Authentication successful\r\n");
  conversation.client_lines("MAIL FROM:<wp@blog.example>\r\n");
  conversation.server_lines("250 OK\r\n");
  CHECK(conversation.authenticated());
  CHECK(joined(conversation) ==
        "S: 220 mail.example ESMTP\nC: EHLO\nS: 250-mail.example\nS: 250-AUTH PLAIN LOGIN\nS: 250 SMTPUTF8\n"
        "C: AUTH PLAIN\nS: 235 2.7.0 Authentication successful\nC: MAIL\nS: 250 OK\n");
  CHECK(conversation.last_reply() == "250 OK");
}

TEST_CASE("smtp conversation: AUTH LOGIN's base64 lines are redacted and 535 is not success") {
  SmtpConversation conversation("hunter2");
  conversation.client_lines("AUTH LOGIN\r\n");
  conversation.server_lines("334 VXNlcm5hbWU6\r\n");
  conversation.client_lines("dXNlcg==\r\n");
  conversation.server_lines("334 UGFzc3dvcmQ6\r\n");
  conversation.client_lines("aHVudGVyMg==\r\n");
  conversation.server_lines("535 5.7.8 Authentication credentials invalid for hunter2\r\n");
  CHECK_FALSE(conversation.authenticated());
  const std::string text = joined(conversation);
  CHECK(text.find("aHVudGVyMg") == std::string::npos);
  CHECK(text.find("dXNlcg") == std::string::npos);
  CHECK(text.find("hunter2") == std::string::npos);
  CHECK(text.find("C: (credentials)") != std::string::npos);
  CHECK(conversation.last_reply() == "535 5.7.8 Authentication credentials invalid for [redacted]");
}

TEST_CASE("smtp conversation: a multi-line reply is kept whole and control characters are replaced") {
  SmtpConversation conversation("");
  conversation.server_lines("550-5.1.1 no such\x1b[31m user\r\n550 5.1.1 see docs\r\n");
  CHECK(conversation.last_reply() == "550-5.1.1 no such?[31m user / 550 5.1.1 see docs");
  CHECK_FALSE(conversation.authenticated());
}

TEST_CASE("smtp conversation: the reply to QUIT does not hide the reply that mattered") {
  SmtpConversation conversation("");
  conversation.client_lines("RCPT TO:<gone@example.com>\r\n");
  conversation.server_lines("550 5.1.1 Recipient address rejected\r\n");
  conversation.client_lines("QUIT\r\n");
  conversation.server_lines("221 Bye\r\n");
  CHECK(conversation.last_reply() == "550 5.1.1 Recipient address rejected");
  CHECK(conversation.lines().back().text == "221 Bye");
}

TEST_CASE("smtp outcome: replies and curl errors map to retry or give up") {
  CHECK(classify_smtp_result(CURLE_OK, 250) == SendOutcome::sent);
  CHECK(classify_smtp_result(CURLE_SEND_ERROR, 451) == SendOutcome::temporary_failure);
  CHECK(classify_smtp_result(CURLE_WEIRD_SERVER_REPLY, 421) == SendOutcome::temporary_failure);
  CHECK(classify_smtp_result(CURLE_SEND_ERROR, 550) == SendOutcome::permanent_failure);
  CHECK(classify_smtp_result(CURLE_LOGIN_DENIED, 535) == SendOutcome::permanent_failure);
  CHECK(classify_smtp_result(CURLE_LOGIN_DENIED, 454) == SendOutcome::temporary_failure);
  CHECK(classify_smtp_result(CURLE_COULDNT_CONNECT, 0) == SendOutcome::temporary_failure);
  CHECK(classify_smtp_result(CURLE_COULDNT_RESOLVE_HOST, 0) == SendOutcome::temporary_failure);
  CHECK(classify_smtp_result(CURLE_OPERATION_TIMEDOUT, 0) == SendOutcome::temporary_failure);
  CHECK(classify_smtp_result(CURLE_PEER_FAILED_VERIFICATION, 220) == SendOutcome::permanent_failure);
  CHECK(classify_smtp_result(CURLE_USE_SSL_FAILED, 0) == SendOutcome::permanent_failure);
  CHECK(classify_smtp_result(CURLE_UNSUPPORTED_PROTOCOL, 0) == SendOutcome::permanent_failure);
}

TEST_CASE("read_secret: first line of a file, or an environment variable; errors never hold the value") {
  const testing::TempDir dir("spamgate-secret");
  Config config;
  config.base_dir = dir.path();
  dir.write("pw", "s3cret-pass\r\nsecond line\n");
  Result<std::string> from_file = read_secret(SecretRef{"pw", ""}, config);
  REQUIRE(from_file.ok());
  CHECK(*from_file == "s3cret-pass");

  Result<std::string> missing = read_secret(SecretRef{"nope", ""}, config);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error() == (dir / "nope") + ": cannot read secret file");

  setenv("SPAMGATE_TEST_SECRET", "env-s3cret", 1);
  Result<std::string> from_env = read_secret(SecretRef{"", "SPAMGATE_TEST_SECRET"}, config);
  REQUIRE(from_env.ok());
  CHECK(*from_env == "env-s3cret");
  unsetenv("SPAMGATE_TEST_SECRET");
  Result<std::string> unset = read_secret(SecretRef{"", "SPAMGATE_TEST_SECRET"}, config);
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.error() == "environment variable SPAMGATE_TEST_SECRET is not set or empty");
  CHECK_FALSE(read_secret(SecretRef{}, config).ok());
}
