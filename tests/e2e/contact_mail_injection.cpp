// Header injection against the running `spamgate serve`, asserting on the
// bytes a real SMTP server on 127.0.0.1 recorded: the CRLF injection corpus
// in the contact form's name, email and subject (with the scorer's checks
// on, then off so the mail layer stands alone), display names and subjects
// that try to break the header structure, and SMTP smuggling in the body.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <thread>

#include "contact_mail_site.h"
#include "support/temp_dir.h"

using namespace harness;
using namespace contact_mail;
using namespace std::chrono_literals;

namespace {

using spamgate::testing::read_lines;

using Outcomes = std::map<std::string, std::map<long, int>>;  // field -> status -> count

// Posts a clean message, then every payload of the injection corpus in the
// contact form's name, then email, then subject, and checks that the clean
// message and every post answered 200 were delivered once, to the owners
// only, with no header but the usual ones, and that the others were refused
// (403, or 400 for an encoding the form decoder refuses). Reports the counts.
Outcomes run_injection_corpus(MailStack& stack) {
  const std::string corpus = SPAMGATE_CORPUS_DIR "/injection/";
  std::vector<std::string> payloads = read_lines(corpus + "payloadsallthethings-crlf.txt");
  for (const std::string& line : read_lines(corpus + "fuzzdb-crlf.txt")) payloads.push_back(line);
  REQUIRE(payloads.size() == 37);

  const std::vector<std::string> field_names = {"name", "email", "subject"};
  Outcomes outcomes;
  std::vector<std::string> delivered_tokens = {"token-clean"};
  const auto clean = stack.post_raw("/contact", "name=Ann&email=ann%40example.org&subject=Hello&message=" +
                                                    form_encode("token-clean a normal message"));
  REQUIRE_MESSAGE(clean.status == 200, clean.body);
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
  eventually([&] { return outbox_settled(stack.spamgate->database_path()); });  // nothing more is on its way
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
  return outcomes;
}

}  // namespace

TEST_CASE("the CRLF injection corpus in name, email and subject, default rules: rejected, or delivered clean") {
  MailStack stack;
  run_injection_corpus(stack);
}

// Defence in depth: with the scorer's HEADER_INJECTION and INVALID_EMAIL
// scored 0, every payload reaches the Notifier and the composer, which must
// still keep it out of the headers and the envelope.
TEST_CASE("the CRLF injection corpus with HEADER_INJECTION scored 0: the mail layer alone keeps headers clean") {
  MailStack stack({}, "score HEADER_INJECTION 0\nscore INVALID_EMAIL 0\n");
  Outcomes outcomes = run_injection_corpus(stack);
  // Nothing scores them, so no payload is rejected: each one reached the
  // mail layer and was delivered clean (or the form decoder refused it).
  for (const std::string field : {"name", "email", "subject"}) {
    INFO(field);
    CHECK(outcomes[field][403] == 0);
    CHECK(outcomes[field][200] > 0);
  }
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
  eventually([&] { return outbox_settled(stack.spamgate->database_path()); });  // nothing more is on its way
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
