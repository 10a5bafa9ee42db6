// Bounce watch end to end: `spamgate serve` sends through the real SMTP
// server (STARTTLS + AUTH) and reads the account's mailbox on a real
// Dovecot IMAP server (TLS, test CA, a user with a password), both on
// 127.0.0.1. A bounce for a message spamgate really sent marks its outbox
// row; bounces for messages it never sent that only forge the site's
// address are counted without any alert; ones whose returned message went
// through the site's SMTP host bring the owners exactly one alert, its
// quoted text labelled and defanged; other mail in the box is left unread;
// a wrong IMAP password is a clear error that never stops sending.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "harness/dovecot.h"
#include "harness/http_client.h"
#include "harness/mail_inspect.h"
#include "harness/nginx.h"
#include "harness/smtp_server.h"
#include "harness/spamgate_server.h"

using namespace harness;
using namespace std::chrono_literals;

namespace {

const std::string kSecret = "bounce-secret-7c1d";
const std::string kImapUser = "notify@blog.test";

// A Received header of a message that went out through the test's SMTP server (its host is 127.0.0.1).
const std::string kThroughOurSmtp =
    "Received: from [198.51.100.9] (unknown [198.51.100.9])\r\n\t(Authenticated sender: notify@blog.test)\r\n"
    "\tby 127.0.0.1 with ESMTPSA id 4F1; Mon, 7 Dec 2026 01:00:00 +0000\r\n";
// One of a message a botnet sent with the site's address.
const std::string kFromElsewhere =
    "Received: from botnet.example ([203.0.113.5]) by mx.example.net; Mon, 7 Dec 2026 01:00:00 +0000\r\n";

// An RFC 3464 report from the receiving server for `message_id`; `trace`
// goes atop the returned message's headers.
std::string delivery_report(const std::string& message_id, const std::string& recipient, const std::string& subject,
                            const std::string& trace = "") {
  return "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
         "To: notify@blog.test\r\nSubject: Undelivered Mail Returned to Sender\r\n"
         "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B1\"\r\n"
         "Message-ID: <report-" + message_id + ">\r\n\r\n"
         "--B1\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not\r\n"
         "be delivered to one or more recipients.\r\n\r\n<" + recipient + ">: host mx.example.net said: 550 5.1.1 "
         "<" + recipient + ">: Recipient address rejected: User unknown\r\n\r\n"
         "--B1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
         "Final-Recipient: rfc822; " + recipient + "\r\nAction: failed\r\nStatus: 5.1.1\r\n"
         "Diagnostic-Code: smtp; 550 5.1.1 <" + recipient + ">: Recipient address rejected: User unknown\r\n\r\n"
         "--B1\r\nContent-Type: text/rfc822-headers\r\n\r\n" + trace + "From: notify@blog.test\r\nTo: " + recipient + "\r\n"
         "Subject: " + subject + "\r\nMessage-ID: <" + message_id + ">\r\n\r\n--B1--\r\n";
}

struct BounceStack {
  TempDir dir{"spamgate-bounce"};
  TestCa ca = make_test_ca(dir.path(), "bounce");
  SmtpServer smtp{dir.path(), ca};
  Dovecot imap{ca, kImapUser, "imap password 1"};
  std::unique_ptr<SpamgateServer> spamgate;
  std::unique_ptr<Nginx> nginx;

  explicit BounceStack(const std::string& imap_password_file = "") {
    chmod(smtp.password_file().c_str(), 0600);
    // Mail for a person, in the box before spamgate looks: UID 1, unread.
    REQUIRE(imap.append("From: friend@example.org\r\nTo: notify@blog.test\r\nSubject: lunch?\r\n"
                        "Message-ID: <lunch@example.org>\r\n\r\nAre you free on Friday?\r\n"));
    imap.command("UID STORE 1 -FLAGS (\\Seen)");
    MailTomlOptions mail;
    mail.owners = {"owner@blog.test"};
    const std::string bounces = "[mail.bounces]\nenabled = true\nurl = \"" + imap.url() + "\"\nusername = \"" +
                                kImapUser + "\"\npassword = { file = \"" +
                                (imap_password_file.empty() ? imap.password_file() : imap_password_file) +
                                "\" }\npoll_seconds = 1\nmove_to = \"Handled\"\n";
    spamgate = std::make_unique<SpamgateServer>(
        mail_spamgate_options(mail_toml(smtp, ca.ca_cert, mail) + bounces, kSecret, 4));
    REQUIRE_MESSAGE(spamgate->wait_until_listening(), spamgate->log());
    NginxOptions site;
    site.server_body = fastcgi_location("/spamgate/", spamgate->address());
    nginx = std::make_unique<Nginx>(site);
    REQUIRE_MESSAGE(nginx->wait_until_listening(), nginx->error_log());
  }

  // Queues a notification through the plugin's API, as WordPress does.
  int notify(const std::string& subject) {
    HttpRequest request;
    request.method = "POST";
    request.url = nginx->url("/spamgate/notify");
    request.headers = {"Authorization: Bearer " + kSecret, "Content-Type: application/json"};
    request.body = "{\"subject\": \"" + subject + "\", \"text\": \"A new comment is waiting.\"}";
    return http(request).status;
  }

  double metric_now(const std::string& name) { return metric(http_get(nginx->url("/spamgate/metrics")).body, name); }

  // Waits until a poll starts after this call: the one running now (if any) has finished.
  bool another_poll() {
    const double polls = metric_now("spamgate_bounce_polls_total");
    return eventually([&] { return metric_now("spamgate_bounce_polls_total") > polls; }, 15s);
  }

  std::string bounce_count(const std::string& where = "1") {
    return sqlite_query(spamgate->database_path(), "SELECT count(*) FROM bounces WHERE " + where);
  }
  std::string alerts_queued() {
    return sqlite_query(spamgate->database_path(), "SELECT count(*) FROM outbox WHERE kind = 'alert'");
  }
};

}  // namespace

TEST_CASE("a bounce for spamgate's own mail marks its outbox row; forged bounces are counted, never alerted on; other mail is untouched") {
  BounceStack stack;
  std::string output;
  REQUIRE(stack.notify("Please moderate") == 202);
  REQUIRE_MESSAGE(stack.smtp.wait_for_messages(1), stack.smtp.log());
  const RecordedMessage sent = stack.smtp.messages()[0];
  const std::string message_id = header_value(header_fields(sent.data), "Message-ID");
  REQUIRE(message_id.size() > 2);
  const std::string bare_id = message_id.substr(1, message_id.size() - 2);

  REQUIRE_MESSAGE(stack.imap.append(delivery_report(bare_id, "owner@blog.test", "spamgate test"), "INBOX", &output), output);
  REQUIRE(stack.imap.append(delivery_report("forged-1@blog.test", "victim1@example.org", "Cheap pills 1", kFromElsewhere)));
  REQUIRE(stack.imap.append(delivery_report("forged-2@blog.test", "victim2@example.org", "Cheap pills 2")));

  // All three read; then one more poll, so the one that read them is over: no alert was queued or sent.
  if (!eventually([&] { return stack.bounce_count() == "3"; }, 20s)) {
    stack.spamgate->cli("bounces", &output);
    FAIL("not read; bounces: " << output << "\nflags: " << stack.imap.flags() << "\n" << stack.spamgate->log()
                                << stack.imap.log());
  }
  REQUIRE(stack.another_poll());
  CHECK(stack.alerts_queued() == "0");
  CHECK_MESSAGE(stack.smtp.messages().size() == 1, stack.spamgate->log());
  CHECK(stack.metric_now("spamgate_bounces_forged_total") == 2);
  CHECK(stack.metric_now("spamgate_bounces_foreign_total") == 2);

  const std::string db = stack.spamgate->database_path();
  CHECK(sqlite_query(db, "SELECT bounce_diagnostic IS NOT NULL FROM outbox WHERE message_id = '" + bare_id + "'") == "1");
  CHECK(stack.bounce_count("origin = 'own'") == "1");
  CHECK(stack.bounce_count("origin = 'foreign' AND evidence = ''") == "2");
  CHECK(sqlite_query(db, "SELECT status FROM bounces WHERE origin = 'own'") == "5.1.1");

  // The reports moved to Handled; the friend's mail stays in the inbox, unread.
  const std::string inbox = stack.imap.flags();
  CHECK_MESSAGE(inbox.find("UID 1 FLAGS ()") != std::string::npos, inbox);
  CHECK_MESSAGE(inbox.find("UID 2 ") == std::string::npos, inbox);
  CHECK(stack.imap.command("SEARCH ALL", "Handled").find("* SEARCH 1 2 3") != std::string::npos);

  // `spamgate bounces` and the dashboard's stats show them with SPF/DKIM/DMARC advice; forged alone is no failure.
  CHECK(stack.spamgate->cli("bounces", &output) == 0);
  CHECK_MESSAGE(output.find("1 bounces of spamgate's own mail, 2 foreign (mail spamgate never sent): 0 sent through your "
                            "account, 2 with your address forged") != std::string::npos,
                output);
  CHECK(output.find("FORGED ADDRESS") != std::string::npos);
  CHECK(output.find("DMARC record with p=quarantine or p=reject") != std::string::npos);
  CHECK(output.find("forged  bounce  5.1.1  victim2@example.org  forged-2@blog.test") != std::string::npos);
  HttpRequest stats;
  stats.url = stack.nginx->url("/spamgate/stats?days=7");
  stats.headers = {"Authorization: Bearer " + kSecret};
  const auto answer = nlohmann::json::parse(http(stats).body, nullptr, false);
  CHECK(answer.value("foreign_bounces_7d", -1) == 2);
  CHECK(answer.value("forged_bounces_7d", -1) == 2);
  REQUIRE(stack.spamgate->cli("bounces parse " + stack.dir.path() + "/nonexistent.eml", &output) != 0);
}

TEST_CASE("bounces whose returned message went through the site's SMTP host alert the owners once, the bounce's words quoted, labelled and defanged") {
  BounceStack stack;
  std::string output;
  const std::string phishing = "パスワードの確認 https://evil.example.com/login\u202E";
  REQUIRE(stack.imap.append(delivery_report("stolen-1@blog.test", "victim1@example.org",
                                            "=?UTF-8?B?" + base64_encode(phishing) + "?=", kThroughOurSmtp)));
  REQUIRE(stack.imap.append(delivery_report("stolen-2@blog.test", "victim2@example.org", "Cheap pills", kThroughOurSmtp)));

  REQUIRE_MESSAGE(stack.smtp.wait_for_messages(1, 20s), stack.spamgate->log());
  REQUIRE(eventually([&] { return stack.bounce_count() == "2"; }, 20s));
  REQUIRE(stack.another_poll());
  const auto messages = stack.smtp.messages();
  REQUIRE_MESSAGE(messages.size() == 1, stack.spamgate->log());  // one alert for both
  CHECK(stack.alerts_queued() == "1");
  const RecordedMessage alert = messages[0];
  CHECK(alert.recipients == std::vector<std::string>{"owner@blog.test"});
  const auto fields = header_fields(alert.data);
  CHECK(decode_words(header_value(fields, "Subject")) ==
        "[blog.test] Someone may be using your mail account notify@blog.test");
  CHECK(header_value(fields, "Content-Type").find("text/plain") == 0);
  CHECK(alert.data.find("text/html") == std::string::npos);
  const std::string body = decode_quoted_printable(message_body(alert.data));
  CHECK_MESSAGE(body.find("a Received header names 127.0.0.1") != std::string::npos, body);
  CHECK(body.find("Change the SMTP password") != std::string::npos);
  CHECK(body.find("QUOTED FROM THE BOUNCE, NOT CHECKED") != std::string::npos);
  CHECK_MESSAGE(body.find("  | Subject:    パスワードの確認 hxxps://evil[.]example[.]com/login\r\n") != std::string::npos, body);
  CHECK(body.find("  | Refused by: mx[.]example[.]net") != std::string::npos);
  CHECK(body.find("evil.example") == std::string::npos);
  CHECK(body.find("https://") == std::string::npos);
  CHECK(body.find("\u202E") == std::string::npos);
  CHECK(stack.bounce_count("origin = 'foreign' AND evidence = 'a Received header names 127.0.0.1'") == "2");

  REQUIRE(stack.spamgate->cli("bounces", &output) == 1);  // 1: something to act on
  CHECK_MESSAGE(output.find("FOREIGN BOUNCES THROUGH YOUR ACCOUNT") != std::string::npos, output);
  CHECK(output.find("2 sent through your account, 0 with your address forged") != std::string::npos);
}

TEST_CASE("a wrong IMAP password is a clear error in the log and in `spamgate bounces`, and mail still goes out") {
  TempDir wrong{"spamgate-bounce-wrong"};
  write_file(wrong / "password", "not the password\n");
  chmod((wrong / "password").c_str(), 0600);
  BounceStack stack(wrong / "password");
  // Two polls failed. (Dovecot delays logins after a failed one, so the
  // second fails with a timeout after 5 s, another error, logged again.)
  REQUIRE_MESSAGE(eventually([&] { return stack.metric_now("spamgate_bounce_poll_errors_total") >= 2; }, 20s),
                  stack.spamgate->log());
  std::string output;
  REQUIRE(stack.notify("Please moderate") == 202);
  CHECK_MESSAGE(stack.smtp.wait_for_messages(1), stack.spamgate->log());
  const std::string log = stack.spamgate->log();
  CHECK_MESSAGE(log.find("the bounce mailbox could not be read") != std::string::npos, log);
  size_t count = 0;
  for (size_t at = log.find("INBOX: Login denied"); at != std::string::npos; at = log.find("INBOX: Login denied", at + 1))
    ++count;
  CHECK(count == 1);  // the same error once, not once per poll
  CHECK(stack.spamgate->running());
  CHECK(stack.spamgate->cli("bounces", &output) == 1);
  CHECK_MESSAGE(output.find("FAILED: IMAP") != std::string::npos, output);
}

TEST_CASE("a bounce of `spamgate mail test`'s message is spamgate's own, not foreign") {
  BounceStack stack;
  std::string output;
  REQUIRE_MESSAGE(stack.spamgate->cli("mail test", &output) == 0, output);
  REQUIRE(stack.smtp.wait_for_messages(1));
  const std::string message_id = header_value(header_fields(stack.smtp.messages()[0].data), "Message-ID");
  REQUIRE(stack.imap.append(delivery_report(message_id.substr(1, message_id.size() - 2), "owner@blog.test",
                                            "spamgate test message")));
  const std::string db = stack.spamgate->database_path();
  REQUIRE_MESSAGE(eventually([&] { return sqlite_query(db, "SELECT count(*) FROM bounces") == "1"; }, 15s),
                  stack.spamgate->log());
  CHECK(sqlite_query(db, "SELECT origin FROM bounces") == "own");
  CHECK(sqlite_query(db, "SELECT kind || '/' || status FROM outbox WHERE bounced_at IS NOT NULL") == "test/sent");
  REQUIRE(stack.another_poll());  // the poll that read it is over
  CHECK(stack.alerts_queued() == "0");
  CHECK(stack.smtp.messages().size() == 1);  // no alert
}
