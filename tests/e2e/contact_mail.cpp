// Safe notification mail, end to end through the running `spamgate serve`:
// nginx → spamgate (contact form, /spamgate/notify) → SQLite outbox →
// STARTTLS + AUTH to a real SMTP server on 127.0.0.1, asserting on the bytes
// the server recorded. Also `spamgate mail test`, the CRLF injection corpus
// in every single-line field, and that no secret reaches a log.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "harness/http_client.h"
#include "harness/mail_inspect.h"
#include "harness/nginx.h"
#include "harness/smtp_server.h"
#include "harness/spamgate_server.h"

using namespace harness;
using namespace std::chrono_literals;

namespace {

const std::string kSharedSecret = "plugin-secret-3f9a1c0e7b";
const std::vector<std::string> kOwners = {"owner@blog.test", "second-owner@blog.test"};

// Rate and duplicate checks out of the way: these tests post many forms
// from one address.
const char* kRelaxedChecks = R"(
[checks]
rate_per_minute = 1000000
rate_burst = 1000000
duplicate_window_seconds = 0

)";

// nginx in front of spamgate: the contact form and spamgate's API.
NginxOptions site(const SpamgateServer& spamgate) {
  NginxOptions options;
  options.server_body =
      "location = /contact {\n"
      "  include fastcgi_params;\n"
      "  fastcgi_pass " + spamgate.address() + ";\n"
      "}\n"
      "location /spamgate/ {\n"
      "  include fastcgi_params;\n"
      "  fastcgi_pass " + spamgate.address() + ";\n"
      "}\n";
  return options;
}

struct MailStack {
  TempDir dir{"spamgate-contact"};
  TestCa ca = make_test_ca(dir.path(), "contact");
  SmtpServer smtp{dir.path(), ca};
  std::unique_ptr<SpamgateServer> spamgate;
  std::unique_ptr<Nginx> nginx;

  explicit MailStack(const MailTomlOptions& mail = {}, const std::string& local_rules = "") {
    chmod(smtp.password_file().c_str(), 0600);
    spamgate = std::make_unique<SpamgateServer>(
        SpamgateOptions{"127.0.0.1:1", local_rules, true, kRelaxedChecks + mail_toml(smtp, ca.ca_cert, mail), kSharedSecret, 4});
    REQUIRE_MESSAGE(spamgate->wait_until_listening(), spamgate->log());
    nginx = std::make_unique<Nginx>(site(*spamgate));
    REQUIRE_MESSAGE(nginx->wait_until_listening(), nginx->error_log());
  }
  // Requirement 7: whatever happened, spamgate's log holds no secret.
  ~MailStack() {
    if (!spamgate) return;
    spamgate->stop();
    const std::string log = spamgate->log();
    CHECK_MESSAGE(find_secret(log, smtp.options().password, smtp.options().user).empty(),
                  "spamgate's log holds " << find_secret(log, smtp.options().password, smtp.options().user));
    CHECK_MESSAGE(find_secret(log, kSharedSecret).empty(), "spamgate's log holds the shared secret");
  }

  std::string url(const std::string& path) const { return nginx->url(path); }

  HttpResponse post_raw(const std::string& path, const std::string& body, std::vector<std::string> headers = {}) {
    headers.push_back("Content-Type: application/x-www-form-urlencoded");
    return http(HttpRequest{"POST", url(path), headers, body});
  }
};

// True when the decoded body of `m` holds `token` as a whole word.
bool holds_token(const RecordedMessage& m, const std::string& token) {
  const std::string body = decode_quoted_printable(message_body(m.data));
  for (size_t at = body.find(token); at != std::string::npos; at = body.find(token, at + 1)) {
    const size_t end = at + token.size();
    if (end == body.size() || !isalnum(static_cast<unsigned char>(body[end]))) return true;
  }
  return false;
}

// The recorded message that holds `token`; nullptr when none.
const RecordedMessage* find_by_token(const std::vector<RecordedMessage>& messages, const std::string& token) {
  for (const RecordedMessage& m : messages)
    if (holds_token(m, token)) return &m;
  return nullptr;
}

int count_by_token(const std::vector<RecordedMessage>& messages, const std::string& token) {
  int n = 0;
  for (const RecordedMessage& m : messages) n += holds_token(m, token) ? 1 : 0;
  return n;
}

// The addresses of an address-list header value ("a, b" folded or not).
std::vector<std::string> addresses(const std::string& value) {
  std::vector<std::string> out;
  std::string current;
  for (char c : value + ",") {
    if (c == ',') {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else if (c != ' ' && c != '\t') {
      current += c;
    }
  }
  return out;
}

const std::set<std::string> kAlwaysHeaders = {"From",   "To",           "Subject",      "Date",
                                              "Message-ID", "Auto-Submitted", "MIME-Version", "Content-Type",
                                              "Content-Transfer-Encoding"};

// What every message spamgate sends must look like: the configured From,
// the envelope and To equal to `recipients`, exactly the usual headers once
// each (Reply-To at most once), every line within 78 octets, authenticated
// over TLS. Returns the header fields for further checks.
std::vector<HeaderField> check_envelope_and_headers(const RecordedMessage& m, const std::vector<std::string>& recipients) {
  CHECK(m.mail_from == "notify@blog.test");
  CHECK(m.recipients == recipients);
  CHECK(m.auth_login == "notify@blog.test");
  CHECK(m.tls);
  const std::vector<HeaderField> fields = header_fields(m.data);
  std::map<std::string, int> names;
  for (const HeaderField& field : fields) ++names[field.name];
  for (const auto& [name, count] : names) {
    INFO("header " << (name.empty() ? "(a line that is no field)" : name) << " appears " << count << " times");
    CHECK((kAlwaysHeaders.count(name) == 1 || name == "Reply-To"));
    CHECK(count == 1);
  }
  for (const std::string& name : kAlwaysHeaders) CHECK_MESSAGE(names.count(name) == 1, name << " missing");
  CHECK(header_value(fields, "From") == "\"Blog notifications\" <notify@blog.test>");
  CHECK(addresses(header_value(fields, "To")) == recipients);
  CHECK(header_value(fields, "Auto-Submitted") == "auto-generated");
  CHECK(std::regex_match(header_value(fields, "Message-ID"), std::regex("<[0-9]+\\.[0-9a-f]{16}@blog\\.test>")));
  const std::string head = m.data.substr(0, m.data.find("\r\n\r\n") + 2);
  size_t pos = 0;
  while (pos < head.size()) {
    const size_t end = head.find("\r\n", pos);
    CHECK_MESSAGE(end - pos <= 78, "header line longer than 78: " << head.substr(pos, end - pos));
    for (size_t i = pos; i < end; ++i) CHECK(static_cast<unsigned char>(head[i]) < 0x80);
    pos = end + 2;
  }
  return fields;
}

std::string contact_body(const std::string& name, const std::string& email, const std::string& subject,
                         const std::string& message) {
  return form_body({{"name", name}, {"email", email}, {"subject", subject}, {"message", message}});
}

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// Posts every payload of the injection corpus in the contact form's name,
// then email, then subject, and checks that each post was refused (403, or
// 400 for an encoding the form decoder refuses) or delivered once, to the
// owners only, with no header but the usual ones. Reports the counts.
void run_injection_corpus(MailStack& stack) {
  const std::string corpus = SPAMGATE_CORPUS_DIR "/injection/";
  std::vector<std::string> payloads = read_lines(corpus + "payloadsallthethings-crlf.txt");
  for (const std::string& line : read_lines(corpus + "fuzzdb-crlf.txt")) payloads.push_back(line);
  REQUIRE(payloads.size() == 37);

  const std::vector<std::string> field_names = {"name", "email", "subject"};
  std::map<std::string, std::map<long, int>> outcomes;  // field -> status -> count
  std::vector<std::string> delivered_tokens;
  std::set<std::string> malformed;
  for (const std::string& field : field_names) {
    for (size_t i = 0; i < payloads.size(); ++i) {
      const std::string token = "token-" + field + "-" + std::to_string(i);
      std::map<std::string, std::string> values = {{"name", form_encode("Ann")},
                                                   {"email", form_encode("ann@example.org")},
                                                   {"subject", form_encode("Hello")}};
      values[field] = payloads[i];  // the payload as an attacker sends it: already percent-encoded
      const std::string body = "name=" + values["name"] + "&email=" + values["email"] + "&subject=" +
                               values["subject"] + "&message=" + form_encode(token + " a normal message");
      auto response = stack.post_raw("/contact", body);
      INFO(field << " = " << payloads[i] << " -> " << response.status << " " << response.body);
      CHECK((response.status == 200 || response.status == 403 || response.status == 400));
      ++outcomes[field][response.status];
      if (response.status == 200) delivered_tokens.push_back(token);
      if (response.status == 400) malformed.insert(payloads[i]);
    }
  }
  REQUIRE_MESSAGE(stack.smtp.wait_for_messages(delivered_tokens.size(), 30s), stack.smtp.log());
  std::this_thread::sleep_for(300ms);
  const auto messages = stack.smtp.messages();
  CHECK(messages.size() == delivered_tokens.size());
  for (const std::string& token : delivered_tokens) {
    INFO(token);
    CHECK(count_by_token(messages, token) == 1);
    if (const RecordedMessage* m = find_by_token(messages, token)) check_envelope_and_headers(*m, kOwners);
  }
  for (const std::string& field : field_names)
    MESSAGE("payload in " << field << ": " << outcomes[field][200] << " delivered, " << outcomes[field][403]
                          << " rejected (403), " << outcomes[field][400] << " refused as malformed (400)");
  for (const std::string& payload : malformed) MESSAGE("400 for " << payload);
}

}  // namespace

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
  CHECK(find_secret("x " + base64(std::string("\0user\0password", 14)) + " y", "password", "user") ==
        "the AUTH PLAIN blob");
  CHECK(find_secret("x " + base64("password") + " y", "password") == "the secret in base64 (AUTH LOGIN)");
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
  std::this_thread::sleep_for(300ms);  // nothing more is on its way
  const auto messages = stack.smtp.messages();
  CHECK(messages.size() == delivered.size());
  for (const auto& [token, c] : delivered) {
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

TEST_CASE("the CRLF injection corpus in name, email and subject, default rules: rejected, or delivered clean") {
  MailStack stack;
  run_injection_corpus(stack);
}

// Defence in depth: with the scorer's HEADER_INJECTION and INVALID_EMAIL
// scored 0, every payload reaches the Notifier and the composer, which must
// still keep it out of the headers and the envelope.
TEST_CASE("the CRLF injection corpus with HEADER_INJECTION scored 0: the mail layer alone keeps headers clean") {
  MailStack stack({}, "score HEADER_INJECTION 0\nscore INVALID_EMAIL 0\n");
  run_injection_corpus(stack);
}

// The mail layer alone (HEADER_INJECTION scored 0): names and subjects that
// try to add an address to Reply-To, smuggle an encoded-word, or break a
// line with a Unicode separator. Reply-To stays one mailbox, the submitter's
// address; a name or subject that cannot be a header value is left out.
TEST_CASE("display names and subjects that try to break the header structure") {
  MailStack stack({}, "score HEADER_INJECTION 0\nscore INVALID_EMAIL 0\nscore AUTHOR_LINK 0\n");
  const std::string long_subject =
      "長いお問い合わせの件名です。絵文字も入ります 🎉🎉🎉 そしてさらに続く長い長い件名、まだまだ続きます 🍣🍣 終わり";
  struct Case {
    std::string name;
    std::string subject;
    std::string display;  // the Reply-To display name a reader sees ("" = none)
    bool subject_kept;    // the subject appears in the Subject header
  };
  const std::vector<Case> cases = {
      {"evil@example.net, Ann", "Hello", "evil@example.net, Ann", true},
      {"Ann \"The Boss\" O'Neil \\ x", "Quotes \"and\" backslashes \\", "Ann \"The Boss\" O'Neil \\ x", true},
      {"Ann <evil@example.net>", "Hi", "Ann <evil@example.net>", true},
      {"=?UTF-8?B?ZXZpbEBleGFtcGxlLm5ldA==?=", "=?UTF-8?Q?Bcc:_evil@example.net?=", "", false},
      {"Ann\u2028Bcc: evil@example.net", "Hi\u2029Bcc: evil@example.net", "", false},
      {"Ann\u0085Bcc: evil@example.net", "Hi\u0085Bcc: evil@example.net", "", false},
      {"山田 太郎 🍣 とても長い名前の人です。とても長い名前の人です。とても長い名前の人です。", long_subject,
       "山田 太郎 🍣 とても長い名前の人です。とても長い名前の人です。とても長い名前の人です。", true},
      {"Ann", std::string(3000, 'a') + " " + long_subject, "Ann", true},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string token = "token-structure-" + std::to_string(i);
    auto response = stack.post_raw("/contact", contact_body(cases[i].name, "ann@example.org", cases[i].subject,
                                                            token + " text"));
    INFO(cases[i].name << " / " << cases[i].subject);
    REQUIRE(response.status == 200);
  }
  REQUIRE_MESSAGE(stack.smtp.wait_for_messages(cases.size()), stack.smtp.log());
  const auto messages = stack.smtp.messages();
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    INFO(c.name << " / " << c.subject);
    const RecordedMessage* m = find_by_token(messages, "token-structure-" + std::to_string(i));
    REQUIRE(m);
    const auto fields = check_envelope_and_headers(*m, kOwners);
    const std::string reply_to = header_value(fields, "Reply-To");
    // One mailbox: a quoted-string or encoded-words, then the one address.
    static const std::regex one_mailbox(
        R"(^(("([^"\\]|\\.)*")|((=\?UTF-8\?[BQ]\?[^?]*\?=)( (=\?UTF-8\?[BQ]\?[^?]*\?=))*)) <ann@example\.org>$|^ann@example\.org$)");
    CHECK_MESSAGE(std::regex_match(reply_to, one_mailbox), reply_to);
    std::string display = decode_words(reply_to);
    if (display == "ann@example.org") display.clear();
    else if (display.size() > 18) display = display.substr(0, display.size() - 18);  // " <ann@example.org>"
    if (display.size() >= 2 && display.front() == '"') {  // unquote
      std::string plain;
      for (size_t k = 1; k + 1 < display.size(); ++k) plain += display[k] == '\\' ? display[++k] : display[k];
      display = plain;
    }
    CHECK(display == c.display);
    const std::string subject = decode_words(header_value(fields, "Subject"));
    if (c.subject_kept) CHECK(subject == "[blog.test] Contact: " + c.subject);
    else CHECK(subject == "[blog.test] Contact form message (subject withheld: unsafe characters)");
  }
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
  auto array = http(HttpRequest{"POST", stack.url(url), {bearer, "Content-Type: application/json"},
                                R"({"subject":"array","text":"token-n11","recipient":["editor@blog.test","x@example.net"]})"});
  CHECK(array.status == 400);

  REQUIRE_MESSAGE(stack.smtp.wait_for_messages(6), stack.smtp.log());
  std::this_thread::sleep_for(300ms);
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
  std::string config = read_file(stack.spamgate->config_path());
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

// SMTP smuggling: a message text with an end-of-data sequence in any
// line-ending spelling, followed by a second SMTP transaction, must arrive
// as one message with all its text, and no second message may appear.
TEST_CASE("a contact message that holds end-of-data sequences arrives whole; nothing is smuggled") {
  MailStack stack;
  const std::string smuggled = "MAIL FROM:<notify@blog.test>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\n"
                               "From: notify@blog.test\r\nTo: victim@example.net\r\nSubject: smuggled\r\n\r\nspam\r\n";
  const std::vector<std::string> endings = {"\r\n.\r\n", "\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r", "\r\n.\r", "\n..\n"};
  for (size_t i = 0; i < endings.size(); ++i) {
    const std::string token = "token-smuggle-" + std::to_string(i);
    const std::string text = "first part" + endings[i] + smuggled + endings[i] + "QUIT\r\n" + token + " end";
    auto response = stack.post_raw("/contact", contact_body("Ann", "ann@example.org", "Hello", text));
    CHECK(response.status == 200);
  }
  REQUIRE(stack.smtp.wait_for_messages(endings.size()));
  std::this_thread::sleep_for(500ms);
  const auto messages = stack.smtp.messages();
  CHECK(messages.size() == endings.size());
  for (size_t i = 0; i < endings.size(); ++i) {
    const std::string token = "token-smuggle-" + std::to_string(i);
    INFO(token);
    const RecordedMessage* m = find_by_token(messages, token);
    REQUIRE(m);
    check_envelope_and_headers(*m, kOwners);
    const std::string body = decode_quoted_printable(message_body(m->data));
    CHECK(body.find("first part") != std::string::npos);
    CHECK(body.find("Subject: smuggled") != std::string::npos);
  }
  for (const RecordedMessage& m : messages) {
    CHECK(header_value(header_fields(m.data), "Subject").find("smuggled") == std::string::npos);
    for (const std::string& rcpt : m.recipients) CHECK(rcpt.find("victim") == std::string::npos);
  }
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
  const std::vector<std::string> headers = {"Content-Type: multipart/form-data; boundary=sgBoundary7"};
  auto ok = http(HttpRequest{"POST", stack.url("/contact"), headers,
                             multipart({{"name", "Ann"}, {"email", "ann@example.org"}, {"subject", "Multipart"},
                                        {"message", "token-mp-0 line one\r\nline two"}})});
  CHECK(ok.status == 200);
  auto injected = http(HttpRequest{"POST", stack.url("/contact"), headers,
                                   multipart({{"name", "Ann"}, {"email", "ann@example.org"},
                                              {"subject", "Hi\r\nBcc: victim@example.net"},
                                              {"message", "token-mp-1 text"}})});
  CHECK((injected.status == 403 || injected.status == 200));
  REQUIRE(stack.smtp.wait_for_messages(injected.status == 200 ? 2 : 1));
  std::this_thread::sleep_for(300ms);
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
