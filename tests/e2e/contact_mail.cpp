// Safe notification mail, end to end through the running `spamgate serve`:
// nginx → spamgate (contact form, /spamgate/notify) → SQLite outbox →
// STARTTLS + AUTH to a real SMTP server on 127.0.0.1, asserting on the bytes
// the server recorded: From, To, Reply-To, the encoded Subject, Message-ID,
// the envelope; `spamgate mail test`; and that no secret reaches a log.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "contact_mail_site.h"

using namespace harness;
using namespace contact_mail;
using namespace std::chrono_literals;

// The checks below are only as good as the header reader: it must see an
// injected field, a broken line and an encoded-word the way a mail client does.
TEST_CASE("the test's header reader sees injected fields, stray lines and encoded words") {
  const std::string data = "From: a@b.test\r\nSubject: =?UTF-8?B?5pel5pys?= =?UTF-8?Q?_=F0=9F=8E=89?=\r\n"
                           "To: x@b.test,\r\n y@b.test\r\nBcc: victim@example.net\r\nnot a field\r\n\r\nbody=\r\n =2E\r\n";
  const auto fields = header_fields(data);
  REQUIRE(fields.size() == 5);
  CHECK(header_value(fields, "bcc") == "victim@example.net");
  CHECK(fields[4].name.empty());
  CHECK(addresses(header_value(fields, "To")) == std::vector<std::string>{"x@b.test", "y@b.test"});
  CHECK(decode_words(header_value(fields, "Subject")) == "日本 🎉");
  CHECK(decode_quoted_printable(message_body(data)) == "body .\r\n");
  CHECK(find_secret("x " + base64_encode(std::string("\0user\0password", 14)) + " y", "password", "user") ==
        "the AUTH PLAIN blob");
  CHECK(find_secret("x " + base64_encode("password") + " y", "password") == "the secret in base64 (AUTH LOGIN)");
  CHECK(find_secret("nothing here", "password", "user").empty());
}

TEST_CASE("a passed contact form reaches only the owners: From the account, Reply-To the submitter, encoded subject") {
  MailStack stack;
  const std::string subject = "お問い合わせ 🎉 見積もりについて";
  auto response = stack.post_raw("/contact", contact_body("山田 太郎", "taro@example.jp", subject,
                                                          "token-main こんにちは。Could you send me a quote?"));
  INFO(stack.spamgate->log());
  REQUIRE(response.status == 200);
  CHECK(response.body.find("Thank") != std::string::npos);
  // Invariant 5: the message was in the outbox before the answer came.
  CHECK(sqlite_query(stack.spamgate->database_path(), "SELECT count(*) FROM outbox WHERE kind = 'contact'") == "1");
  REQUIRE_MESSAGE(stack.smtp.wait_for_messages(1), stack.smtp.log());

  const auto messages = stack.smtp.messages();
  REQUIRE(messages.size() == 1);
  const RecordedMessage& m = messages[0];
  const auto fields = check_envelope_and_headers(m, kOwners);
  const std::string raw_subject = header_value(fields, "Subject");
  CHECK(raw_subject.find("=?UTF-8?") != std::string::npos);
  CHECK(decode_words(raw_subject) == "[blog.test] Contact: " + subject);
  CHECK(header_values(fields, "Reply-To").size() == 1);
  CHECK(decode_words(header_value(fields, "Reply-To")) == "山田 太郎 <taro@example.jp>");
  const std::string body = decode_quoted_printable(message_body(m.data));
  CHECK(body.find("Name: 山田 太郎") != std::string::npos);
  CHECK(body.find("token-main こんにちは。Could you send me a quote?") != std::string::npos);

  // AUTH only after STARTTLS; nothing but EHLO and STARTTLS in the clear.
  const auto events = stack.smtp.events();
  const std::set<std::string> seen(events.begin(), events.end());
  CHECK(seen.count("clear STARTTLS") == 1);
  CHECK(seen.count("tls AUTH") == 1);
  CHECK(seen.count("auth-ok notify@blog.test") == 1);
  for (const std::string& event : events)
    if (event.rfind("clear ", 0) == 0) CHECK_MESSAGE((event == "clear EHLO" || event == "clear STARTTLS"), event);
}

TEST_CASE("Reply-To only for exactly one valid address; the submitter never gets mail") {
  MailStack stack;
  struct Case {
    std::string email;
    std::string reply_to;  // expected Reply-To value, "" = none
  };
  const std::vector<Case> cases = {
      {"ann@example.org", "\"Ann\" <ann@example.org>"},
      {"", ""},
      {"not an address", ""},
      {"ann@example.org, bob@example.org", ""},
      {"Ann <ann@example.org>", ""},
      {"-oQ/tmp/x@example.org", ""},  // a valid addr-spec, but one a mail program could read as an option
      {"\"ann smith\"@example.org", ""},
      {"ann@[127.0.0.1]", ""},
      {"ann@example.org\r\nBcc: victim@example.net", ""},
  };
  std::map<std::string, const Case*> delivered;
  int rejected = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string token = "token-reply-" + std::to_string(i);
    auto response = stack.post_raw("/contact", contact_body("Ann", cases[i].email, "Hello", token + " text"));
    INFO("email " << cases[i].email << " -> " << response.status);
    CHECK((response.status == 200 || response.status == 403));
    if (response.status == 200) delivered[token] = &cases[i];
    else ++rejected;
  }
  CHECK(delivered.count("token-reply-0") == 1);  // the valid one is never refused
  REQUIRE_MESSAGE(stack.smtp.wait_for_messages(delivered.size()), stack.smtp.log());
  eventually([&] { return outbox_settled(stack.spamgate->database_path()); });  // nothing more is on its way
  const auto messages = stack.smtp.messages();
  CHECK(messages.size() == delivered.size());
  for (const auto& entry : delivered) {  // no structured binding: clang 14 cannot capture one in INFO
    const auto& token = entry.first;
    const auto* c = entry.second;
    INFO("email " << c->email);
    const RecordedMessage* m = find_by_token(messages, token);
    REQUIRE(m != nullptr);
    const auto fields = check_envelope_and_headers(*m, kOwners);
    CHECK(header_value(fields, "Reply-To") == c->reply_to);
    if (c->reply_to.empty())
      CHECK(decode_quoted_printable(message_body(m->data)).find("no Reply-To was set") != std::string::npos);
  }
  for (const RecordedMessage& m : messages)
    for (const std::string& rcpt : m.recipients) CHECK_MESSAGE(rcpt.find("example.") == std::string::npos, rcpt);
  MESSAGE(delivered.size() << " of " << cases.size() << " e-mail variants delivered, " << rejected << " rejected");
}

TEST_CASE("POST /spamgate/notify: the shared secret, the recipient allowlist, and Reply-To that never injects") {
  MailStack stack;
  const std::string url = "/spamgate/notify";
  const std::string bearer = "Authorization: Bearer " + kSharedSecret;
  auto notify = [&](const std::vector<std::pair<std::string, std::string>>& fields, std::vector<std::string> headers) {
    return stack.post_raw(url, form_body(fields), std::move(headers));
  };

  CHECK(notify({{"subject", "no secret"}, {"text", "token-n0"}}, {}).status == 401);
  CHECK(notify({{"subject", "wrong secret"}, {"text", "token-n1"}}, {"Authorization: Bearer wrong"}).status == 401);
  CHECK(notify({{"subject", "almost"}, {"text", "token-n2"}}, {"Authorization: Bearer " + kSharedSecret + "x"})
            .status == 401);
  auto outsider = notify({{"subject", "to a stranger"}, {"text", "token-n3"}, {"recipient", "stranger@example.net"}},
                         {bearer});
  CHECK(outsider.status == 403);
  auto ok = notify({{"subject", "New comment"}, {"text", "token-n4"}}, {bearer});
  CHECK(ok.status == 202);
  CHECK(ok.body.find("\"queued\":true") != std::string::npos);
  auto editor = notify({{"subject", "For the editor"}, {"text", "token-n5"}, {"recipient", "editor@blog.test"}},
                       {bearer});
  CHECK(editor.status == 202);
  auto crlf = notify({{"subject", "Reply to the fan"},
                      {"text", "token-n6"},
                      {"reply_to", "fan@example.org\r\nBcc: victim@example.net"}},
                     {bearer});
  CHECK(crlf.status == 202);
  auto lf = notify({{"subject", "Reply to the fan\nBcc: victim@example.net"},
                    {"text", "token-n7"},
                    {"reply_to", "fan@example.org\nCc: victim@example.net"}},
                   {bearer});
  CHECK(lf.status == 202);
  auto good = notify({{"subject", "Reply works"}, {"text", "token-n8"}, {"reply_to", "fan@example.org"}}, {bearer});
  CHECK(good.status == 202);
  auto upper = notify({{"subject", "Upper case"}, {"text", "token-n9"}, {"recipient", "EDITOR@Blog.Test"}}, {bearer});
  CHECK(upper.status == 202);
  for (const char* sneaky : {"editor@blog.test, stranger@example.net", "editor@blog.test\r\nstranger@example.net",
                             "Editor <editor@blog.test>", " editor@blog.test", "stranger@example.net"}) {
    INFO(sneaky);
    CHECK(notify({{"subject", "sneaky"}, {"text", "token-n10"}, {"recipient", sneaky}}, {bearer}).status == 403);
  }
  auto array = post_body(stack.url(url), "application/json",
                         R"({"subject":"array","text":"token-n11","recipient":["editor@blog.test","x@example.net"]})",
                         {bearer});
  CHECK(array.status == 400);

  REQUIRE_MESSAGE(stack.smtp.wait_for_messages(6), stack.smtp.log());
  eventually([&] { return outbox_settled(stack.spamgate->database_path()); });  // nothing more is on its way
  const auto messages = stack.smtp.messages();
  CHECK(messages.size() == 6);
  const RecordedMessage* m9 = find_by_token(messages, "token-n9");
  REQUIRE(m9);
  check_envelope_and_headers(*m9, {"editor@blog.test"});  // the configured spelling
  for (const char* refused : {"token-n0", "token-n1", "token-n2", "token-n3", "token-n10", "token-n11"})
    CHECK_MESSAGE(find_by_token(messages, refused) == nullptr, refused << " was sent");
  for (const RecordedMessage& m : messages) {
    CHECK(m.data.substr(0, m.data.find("\r\n\r\n")).find("victim@") == std::string::npos);
    for (const std::string& rcpt : m.recipients) CHECK(rcpt.find("example.") == std::string::npos);
  }
  const RecordedMessage* m4 = find_by_token(messages, "token-n4");
  REQUIRE(m4);
  CHECK(header_value(check_envelope_and_headers(*m4, kOwners), "Subject") == "New comment");
  const RecordedMessage* m5 = find_by_token(messages, "token-n5");
  REQUIRE(m5);
  check_envelope_and_headers(*m5, {"editor@blog.test"});
  for (const char* token : {"token-n6", "token-n7"}) {
    INFO(token);
    const RecordedMessage* m = find_by_token(messages, token);
    REQUIRE(m);
    const auto fields = check_envelope_and_headers(*m, kOwners);
    CHECK(header_values(fields, "Reply-To").empty());
    CHECK(decode_quoted_printable(message_body(m->data)).find("Reply-To dropped") != std::string::npos);
  }
  const RecordedMessage* m7 = find_by_token(messages, "token-n7");
  REQUIRE(m7);
  CHECK(header_value(header_fields(m7->data), "Subject").find("withheld") != std::string::npos);
  const RecordedMessage* m8 = find_by_token(messages, "token-n8");
  REQUIRE(m8);
  CHECK(header_value(check_envelope_and_headers(*m8, kOwners), "Reply-To") == "fan@example.org");
}

TEST_CASE("`spamgate mail test` shows the SMTP conversation without the password; a wrong password fails clearly") {
  MailStack stack;
  const std::string password = stack.smtp.options().password;
  const std::string user = stack.smtp.options().user;
  std::string output;
  const int status = stack.spamgate->cli("mail test", &output);
  INFO(output);
  CHECK(status == 0);
  CHECK(output.find("server: " + stack.smtp.url()) != std::string::npos);
  CHECK(output.find("envelope: MAIL FROM:<notify@blog.test> RCPT TO:<owner@blog.test> RCPT TO:<second-owner@blog.test>") !=
        std::string::npos);
  CHECK(output.find("S: 220") != std::string::npos);
  CHECK(output.find("C: STARTTLS") != std::string::npos);
  CHECK(output.find("C: AUTH") != std::string::npos);
  CHECK(output.find("S: 235") != std::string::npos);
  CHECK(output.find("result: sent") != std::string::npos);
  CHECK_MESSAGE(find_secret(output, password, user).empty(), "output holds " << find_secret(output, password, user));
  REQUIRE(stack.smtp.wait_for_messages(1));
  const auto fields = check_envelope_and_headers(stack.smtp.messages()[0], kOwners);
  CHECK(header_value(fields, "Subject") == "spamgate test message");

  const std::string wrong_password = "Tr0ub4dor&3-not-it";
  const std::string wrong_file = stack.dir / "wrong-password";
  write_file(wrong_file, wrong_password + "\n");
  chmod(wrong_file.c_str(), 0600);
  std::string config = spamgate::testing::read_file(stack.spamgate->config_path());
  const size_t at = config.find(stack.smtp.password_file());
  REQUIRE(at != std::string::npos);
  config.replace(at, stack.smtp.password_file().size(), wrong_file);
  const std::string wrong_config = stack.spamgate->dir() + "/wrong.toml";
  write_file(wrong_config, config);
  output.clear();
  const int failed = run(spamgate_binary() + " mail test --config " + wrong_config, &output);
  CHECK(failed != 0);
  CHECK(output.find("mail test failed") != std::string::npos);
  CHECK(output.find("535") != std::string::npos);
  CHECK(find_secret(output, wrong_password, user).empty());
  CHECK(find_secret(output, password, user).empty());
  CHECK(stack.smtp.messages().size() == 1);
}

TEST_CASE("serve with a wrong SMTP password: the contact message is kept as failed with the reply; no password logged") {
  const std::string wrong_password = "Wr0ng-pass-for-serve";
  TempDir secrets{"spamgate-wrong"};
  const std::string wrong_file = secrets / "password";
  write_file(wrong_file, wrong_password + "\n");
  chmod(wrong_file.c_str(), 0600);
  MailTomlOptions mail;
  mail.password_file = wrong_file;
  MailStack stack(mail);
  auto response = stack.post_raw("/contact", contact_body("Ann", "ann@example.org", "Hello", "token-wrong text"));
  CHECK(response.status == 200);  // stored; the owner finds it with `spamgate outbox list`
  REQUIRE(eventually([&] { return stack.spamgate->log().find("event=mail_failed") != std::string::npos; }, 20s));
  const std::string log = stack.spamgate->log();
  CHECK(log.find("535") != std::string::npos);
  CHECK(find_secret(log, wrong_password, stack.smtp.options().user).empty());
  CHECK(stack.smtp.messages().empty());
  CHECK(sqlite_query(stack.spamgate->database_path(), "SELECT count(*) FROM outbox WHERE status = 'failed'") == "1");
  std::string output;
  CHECK(stack.spamgate->cli("outbox list --status failed", &output) == 0);
  CHECK(output.find("failed  contact") != std::string::npos);
  CHECK(output.find("535") != std::string::npos);
  CHECK(find_secret(output, wrong_password, stack.smtp.options().user).empty());
  const auto events = stack.smtp.events();
  CHECK(std::find(events.begin(), events.end(), "auth-fail notify@blog.test") != events.end());
}

// Contact forms are often multipart/form-data, where a value may carry raw
// CR LF with no encoding at all.
TEST_CASE("a multipart contact form: delivered like an urlencoded one; a raw CRLF in the subject never becomes a header") {
  MailStack stack;
  const auto multipart = [](const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body;
    for (const auto& [name, value] : fields)
      body += "--sgBoundary7\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    return body + "--sgBoundary7--\r\n";
  };
  const std::string type = "multipart/form-data; boundary=sgBoundary7";
  auto ok = post_body(stack.url("/contact"), type,
                      multipart({{"name", "Ann"}, {"email", "ann@example.org"}, {"subject", "Multipart"},
                                 {"message", "token-mp-0 line one\r\nline two"}}));
  CHECK(ok.status == 200);
  auto injected = post_body(stack.url("/contact"), type,
                            multipart({{"name", "Ann"}, {"email", "ann@example.org"},
                                       {"subject", "Hi\r\nBcc: victim@example.net"}, {"message", "token-mp-1 text"}}));
  CHECK((injected.status == 403 || injected.status == 200));
  REQUIRE(stack.smtp.wait_for_messages(injected.status == 200 ? 2 : 1));
  eventually([&] { return outbox_settled(stack.spamgate->database_path()); });  // nothing more is on its way
  const auto messages = stack.smtp.messages();
  CHECK(messages.size() == (injected.status == 200 ? 2u : 1u));
  const RecordedMessage* m = find_by_token(messages, "token-mp-0");
  REQUIRE(m);
  const auto fields = check_envelope_and_headers(*m, kOwners);
  CHECK(header_value(fields, "Reply-To") == "\"Ann\" <ann@example.org>");
  CHECK(header_value(fields, "Subject") == "[blog.test] Contact: Multipart");
  CHECK(decode_quoted_printable(message_body(m->data)).find("token-mp-0 line one\r\nline two") != std::string::npos);
  for (const RecordedMessage& each : messages) check_envelope_and_headers(each, kOwners);
  MESSAGE("raw CRLF in a multipart subject: " << injected.status);
}
