#include <doctest/doctest.h>

#include <boost/regex.hpp>

#include "mail/composer.h"
#include "support/mail_decode.h"
#include "support/mail_read.h"
#include "util/utf8.h"

using namespace spamgate;
using namespace spamgate::testing;

namespace {

const TimePoint kNow{std::chrono::seconds{1'700'000'000}};  // Tue, 14 Nov 2023 22:13:20 UTC

MailConfig mail_config() {
  MailConfig config;
  config.from_address = "wordpress@blog.example";
  config.from_name = "Blog";
  config.owners = {"owner@example.com", "editor@example.com"};
  config.allowed_recipients = {"team@example.net"};
  config.site_domain = "blog.example";
  return config;
}

ComposeRequest request(std::string subject = "New comment", std::string body = "Hello\n") {
  ComposeRequest r;
  r.to = {"owner@example.com"};
  r.subject = std::move(subject);
  r.text_body = std::move(body);
  return r;
}

std::string compose_ok(const ComposeRequest& r, const MailConfig& config = mail_config()) {
  Result<MailMessage> message = compose_message(config, r, kNow);
  REQUIRE_MESSAGE(message.ok(), (message.ok() ? "" : message.error()));
  return message->data;
}

std::string compose_error(const ComposeRequest& r, const MailConfig& config = mail_config()) {
  Result<MailMessage> message = compose_message(config, r, kNow);
  REQUIRE_MESSAGE(!message.ok(), "composed although it should refuse");
  return message.error();
}

void check_line_lengths(const std::string& data) {
  for (const std::string& line : header_lines(data)) CHECK_MESSAGE(line.size() <= 78, line);
}

void check_words(const std::string& field) {
  for (const std::string& word : encoded_words(field)) {
    CHECK_MESSAGE(word.size() <= 75, word);
    CHECK_MESSAGE(is_valid_utf8(decode_word(word)), "a character was split across encoded-words: " << word);
  }
}

}  // namespace

TEST_CASE("composer: a plain message has exactly the expected header bytes") {
  ComposeRequest r = request("New comment on \"Hello world\"", "Line one\nLine two\n");
  r.reply_to = "jane@example.org";
  r.reply_to_name = "Jane Doe";
  std::string data = compose_ok(r);
  const boost::regex id(R"(Message-ID: <1700000000\.[0-9a-f]{16}@blog\.example>\r\n)");
  CHECK(boost::regex_search(data, id));
  data = boost::regex_replace(data, id, std::string("Message-ID: <ID>\r\n"));
  CHECK(data ==
        "From: \"Blog\" <wordpress@blog.example>\r\n"
        "To: owner@example.com\r\n"
        "Reply-To: \"Jane Doe\" <jane@example.org>\r\n"
        "Subject: New comment on \"Hello world\"\r\n"
        "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
        "Message-ID: <ID>\r\n"
        "Auto-Submitted: auto-generated\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "Line one\r\n"
        "Line two\r\n");
}

TEST_CASE("composer: envelope and From are the configured account, recipients only the request's allowed ones") {
  ComposeRequest r = request();
  r.to = {"owner@example.com", "team@example.net", "owner@example.com"};
  r.reply_to = "submitter@example.org";
  Result<MailMessage> message = compose_message(mail_config(), r, kNow);
  REQUIRE(message.ok());
  CHECK(message->envelope_from == "wordpress@blog.example");
  CHECK(message->recipients == std::vector<std::string>{"owner@example.com", "team@example.net"});
  CHECK(field_value(message->data, "To") == "owner@example.com, team@example.net");
  CHECK(field_value(message->data, "From") == "\"Blog\" <wordpress@blog.example>");
  CHECK(field_value(message->data, "Reply-To") == "submitter@example.org");
}

TEST_CASE("composer: a recipient outside owners and allowed_recipients is refused") {
  ComposeRequest r = request();
  r.to = {"owner@example.com", "submitter@example.org"};
  CHECK(compose_error(r) == "to: submitter@example.org is not in mail.owners or mail.allowed_recipients");
  r.to = {};
  CHECK(compose_error(r) == "to: no recipients");
}

TEST_CASE("composer: no Reply-To without a submitter address; empty from_name gives a bare From") {
  MailConfig config = mail_config();
  config.from_name = "";
  const std::string data = compose_ok(request(), config);
  CHECK(field_count(data, "Reply-To") == 0);
  CHECK(raw_field(data, "From") == "From: wordpress@blog.example");
}

TEST_CASE("composer: every required header appears exactly once") {
  ComposeRequest r = request();
  r.reply_to = "a@example.org";
  const std::string data = compose_ok(r);
  for (const char* name : {"From", "To", "Reply-To", "Subject", "Date", "Message-ID", "Auto-Submitted", "MIME-Version",
                           "Content-Type", "Content-Transfer-Encoding"})
    CHECK_MESSAGE(field_count(data, name) == 1, name);
  CHECK(header_lines(data).size() == 10);
}

TEST_CASE("composer: Message-ID uses site_domain, else the From domain, and is unique") {
  MailConfig config = mail_config();
  const std::string first = field_value(compose_ok(request(), config), "Message-ID");
  const std::string second = field_value(compose_ok(request(), config), "Message-ID");
  CHECK(first != second);
  config.site_domain = "";
  CHECK(boost::regex_match(field_value(compose_ok(request(), config), "Message-ID"),
                           boost::regex(R"(<1700000000\.[0-9a-f]{16}@blog\.example>)")));
  config.site_domain = "bad domain\r\nBcc: x@evil.example";
  CHECK(compose_error(request(), config) == "mail.site_domain: not a valid domain");
}

TEST_CASE("composer: a Japanese subject becomes encoded-words of at most 75 chars on lines of at most 78") {
  const std::string subject =
      "お問い合わせフォームから新しいメッセージが届きました：ウェブサイトの件について至急ご確認ください";
  const std::string data = compose_ok(request(subject));
  const std::string field = raw_field(data, "Subject");
  CHECK(field.rfind("Subject: =?UTF-8?B?", 0) == 0);
  CHECK(encoded_words(field).size() >= 3);
  check_words(field);
  check_line_lengths(data);
  CHECK(decode_words(field_value(data, "Subject")) == subject);
}

TEST_CASE("composer: 4-byte emoji are never split across encoded-words") {
  std::string subject;
  for (int i = 0; i < 40; ++i) subject += "\xF0\x9F\x98\x80";  // 😀
  subject += " ok \xF0\x9F\x8E\x89";                             // 🎉
  const std::string data = compose_ok(request(subject));
  const std::string field = raw_field(data, "Subject");
  check_words(field);
  check_line_lengths(data);
  CHECK(decode_words(field_value(data, "Subject")) == subject);
}

TEST_CASE("composer: non-ASCII display names are encoded in From and Reply-To") {
  MailConfig config = mail_config();
  config.from_name = "ブログ通知 \xF0\x9F\x93\xAC";  // 📬
  ComposeRequest r = request();
  r.reply_to = "taro@example.jp";
  r.reply_to_name = "山田太郎";
  const std::string data = compose_ok(r, config);
  const std::string from = field_value(data, "From");
  CHECK(from.rfind("=?UTF-8?B?", 0) == 0);
  CHECK(from.substr(from.size() - 25) == " <wordpress@blog.example>");
  CHECK(decode_words(from) == config.from_name + " <wordpress@blog.example>");
  const std::string reply_to = field_value(data, "Reply-To");
  CHECK(decode_words(reply_to) == "山田太郎 <taro@example.jp>");
  CHECK(reply_to.substr(reply_to.size() - 18) == " <taro@example.jp>");
  check_words(raw_field(data, "From"));
  check_line_lengths(data);
}

TEST_CASE("composer: a long display name folds into several words and keeps the address whole") {
  ComposeRequest r = request();
  r.reply_to = "someone@example.org";
  r.reply_to_name = std::string(30, 'x') + " " + std::string(30, 'y') + " Ünïcödé " + std::string(20, 'z');
  const std::string data = compose_ok(r);
  check_line_lengths(data);
  check_words(raw_field(data, "Reply-To"));
  CHECK(decode_words(field_value(data, "Reply-To")) == *r.reply_to_name + " <someone@example.org>");
  CHECK(raw_field(data, "Reply-To").find("<someone@example.org>") != std::string::npos);
}

TEST_CASE("composer: quotes and backslashes in an ASCII display name are escaped") {
  ComposeRequest r = request();
  r.reply_to = "q@example.org";
  r.reply_to_name = "Jane \"JD\" Doe\\";
  CHECK(field_value(compose_ok(r), "Reply-To") == "\"Jane \\\"JD\\\" Doe\\\\\" <q@example.org>");
}

TEST_CASE("composer: a long ASCII subject folds at spaces and unfolds to the original") {
  std::string subject;
  for (int i = 0; i < 30; ++i) subject += "word" + std::to_string(i) + " ";
  subject += "end";
  const std::string data = compose_ok(request(subject));
  CHECK(raw_field(data, "Subject").find("\r\n ") != std::string::npos);
  CHECK(encoded_words(raw_field(data, "Subject")).empty());
  check_line_lengths(data);
  CHECK(field_value(data, "Subject") == subject);
}

TEST_CASE("composer: an ASCII subject token too long to fold and control characters are encoded") {
  const std::string long_token = "see:" + std::string(100, 'a');
  std::string data = compose_ok(request(long_token));
  check_line_lengths(data);
  CHECK(decode_words(field_value(data, "Subject")) == long_token);
  data = compose_ok(request("tab\there"));
  CHECK(decode_words(field_value(data, "Subject")) == "tab\there");
}

TEST_CASE("composer: the body is quoted-printable with lines of at most 76 chars and decodes back") {
  const std::string body = "Grüße aus 東京 = 100% \xF0\x9F\x98\x80\r\n.hidden dot line\nFrom the start\rtrailing space \n" +
                           std::string(200, 'L') + "\n" + std::string(100, '=') + "\n";
  const std::string data = compose_ok(request("s", body));
  const std::string encoded = message_body(data);
  size_t start = 0;
  while (start < encoded.size()) {
    const size_t end = encoded.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    const std::string line = encoded.substr(start, end - start);
    CHECK_MESSAGE(line.size() <= 76, line);
    for (char c : line) CHECK((c >= 0x20 && c <= 0x7E));
    CHECK(line.find('.') != 0);
    CHECK(line.rfind("From ", 0) != 0);
    if (!line.empty()) CHECK(line.back() != ' ');
    start = end + 2;
  }
  std::string expected = "Grüße aus 東京 = 100% \xF0\x9F\x98\x80\r\n.hidden dot line\r\nFrom the start\r\n"
                         "trailing space \r\n" + std::string(200, 'L') + "\r\n" + std::string(100, '=') + "\r\n";
  CHECK(decode_quoted_printable(encoded) == expected);
}

TEST_CASE("composer: invalid UTF-8 in the body becomes U+FFFD; in a header it is refused") {
  const std::string data = compose_ok(request("ok", "bad \xFF byte"));
  CHECK(decode_quoted_printable(message_body(data)) == "bad \xEF\xBF\xBD byte\r\n");
  CHECK(compose_error(request("bad \xC3")) == "subject: invalid UTF-8");
}

TEST_CASE("composer: every header injection form is refused in every header value") {
  struct Case {
    const char* label;
    std::string value;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"CRLF", "Hi\r\nBcc: victim@example.com", "carriage return"},
      {"LF", "Hi\nBcc: victim@example.com", "line feed"},
      {"lone CR", "Hi\rBcc: victim@example.com", "carriage return"},
      {"percent-encoded CRLF after form decoding", "Hi\r\nCc: a@example.com", "carriage return"},
      {"entity-encoded LF after decoding (&#10;)", "Hi\nTo: a@example.com", "line feed"},
      {"NUL", std::string("Hi\0Bcc: x@example.com", 21), "NUL"},
      {"U+0085", "Hi\xC2\x85" "Bcc: x@example.com", "next line (U+0085)"},
      {"U+2028", "Hi\xE2\x80\xA8" "Bcc: x@example.com", "line separator (U+2028)"},
      {"U+2029", "Hi\xE2\x80\xA9" "Bcc: x@example.com", "paragraph separator (U+2029)"},
      {"encoded-word carrying CRLF", "=?UTF-8?Q?Hi=0D=0ABcc:_x@example.com?=", "encoded-word"},
      {"B encoded-word", "=?utf-8?b?SGkNCkJjYzogeEBleGFtcGxlLmNvbQ==?=", "encoded-word"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.label);
    CHECK(compose_error(request(c.value)) == "subject: " + c.reason);
    ComposeRequest named = request();
    named.reply_to = "ok@example.org";
    named.reply_to_name = c.value;
    CHECK(compose_error(named) == "reply_to_name: " + c.reason);
    MailConfig config = mail_config();
    config.from_name = c.value;
    CHECK(compose_error(request(), config) == "mail.from_name: " + c.reason);
    ComposeRequest addressed = request();
    addressed.reply_to = "a@example.org" + c.value;
    CHECK(compose_error(addressed) == "reply_to: " + c.reason);
  }
}

TEST_CASE("composer: undecoded percent and entity text is harmless and stays literal") {
  const std::string data = compose_ok(request("Hi%0D%0ABcc: x@example.com &#13;&#10;"));
  CHECK(field_value(data, "Subject") == "Hi%0D%0ABcc: x@example.com &#13;&#10;");
  CHECK(field_count(data, "Bcc") == 0);
}

TEST_CASE("composer: Reply-To must be exactly one plain addr-spec") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a@example.org, b@example.org", "not exactly one valid address"},
      {"a@example.org;b@example.org", "not exactly one valid address"},
      {"undisclosed-recipients: a@example.org;", "not exactly one valid address"},
      {"friends: a@example.org, b@example.org;", "not exactly one valid address"},
      {"Jane <jane@example.org>", "not exactly one valid address"},
      {"jane@example.org (Jane)", "not exactly one valid address"},
      {"\"a b\"@example.org", "not exactly one valid address"},
      {"-oQ/tmp/x@example.org", "address starts with '-'"},
      {"-f@example.org", "address starts with '-'"},
      {"jane@", "not exactly one valid address"},
      {"", "not exactly one valid address"},
      {"j\xC3\xA9@example.org", "not exactly one valid address"},
  };
  for (const auto& entry : cases) {  // not a structured binding: clang 14 cannot capture one (CAPTURE)
    const auto& [address, reason] = entry;
    CAPTURE(entry.first);
    ComposeRequest r = request();
    r.reply_to = address;
    CHECK(compose_error(r) == "reply_to: " + reason);
  }
}

TEST_CASE("composer: a bad configured address or recipient is refused") {
  MailConfig config = mail_config();
  config.from_address = "wordpress@blog.example\r\nBcc: x@example.com";
  CHECK(compose_error(request(), config) == "mail.from_address: carriage return");
  config = mail_config();
  config.owners.push_back("a@example.com, b@example.com");
  ComposeRequest r = request();
  r.to = {"a@example.com, b@example.com"};
  CHECK(compose_error(r, config) == "to: not exactly one valid address");
}
