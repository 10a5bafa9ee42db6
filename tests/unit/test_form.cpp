#include <doctest/doctest.h>

#include <string>

#include "form/form_decoder.h"
#include "form/multipart.h"
#include "form_test_support.h"

using spamgate::decode_form;
using spamgate::FormFields;
using spamgate::FormResult;
using spamgate::LimitsConfig;
using spamgate::testing::check_error;

namespace {

constexpr const char* kUrlencoded = "application/x-www-form-urlencoded";

FormResult urlencoded(const std::string& body, const LimitsConfig& limits = {}) {
  return decode_form(kUrlencoded, body, limits);
}

}  // namespace

TEST_CASE("urlencoded: a WordPress comment form decodes in order, '+' as space and %XX as bytes") {
  const FormResult result = urlencoded(
      "author=Jane+Doe&email=jane%40example.com&url=&comment=Hello%2C+world%21%0D%0ASecond+line"
      "&submit=Post+Comment&comment_post_ID=42&comment_parent=0");
  REQUIRE(result.ok());
  CHECK(result.error.http_status == 0);
  CHECK(result.fields == FormFields{{"author", "Jane Doe"},
                                    {"email", "jane@example.com"},
                                    {"url", ""},
                                    {"comment", "Hello, world!\r\nSecond line"},
                                    {"submit", "Post Comment"},
                                    {"comment_post_ID", "42"},
                                    {"comment_parent", "0"}});
}

TEST_CASE("urlencoded: repeated names are kept in order; empty pairs are skipped; a bare name has an empty value") {
  CHECK(urlencoded("a=1&b=2&a=3").fields == FormFields{{"a", "1"}, {"b", "2"}, {"a", "3"}});
  CHECK(urlencoded("&a=1&&b=2&").fields == FormFields{{"a", "1"}, {"b", "2"}});
  CHECK(urlencoded("flag&x=").fields == FormFields{{"flag", ""}, {"x", ""}});
  CHECK(urlencoded("a=b=c").fields == FormFields{{"a", "b=c"}});
  CHECK(urlencoded("%2B=%2b&sp%61ce=a%20b").fields == FormFields{{"+", "+"}, {"space", "a b"}});
  CHECK(urlencoded("w=%E2%82%AC%e2%82%ac").fields == FormFields{{"w", "€€"}});
  const FormResult empty = urlencoded("");
  CHECK(empty.ok());
  CHECK(empty.fields.empty());
}

TEST_CASE("urlencoded: the media type is matched case-insensitively and parameters are ignored") {
  CHECK(decode_form("application/x-www-form-urlencoded; charset=UTF-8", "a=1", {}).fields == FormFields{{"a", "1"}});
  CHECK(decode_form("Application/X-WWW-Form-URLEncoded", "a=1", {}).fields == FormFields{{"a", "1"}});
}

TEST_CASE("urlencoded: malformed percent-encoding is a 400 naming the field") {
  check_error(urlencoded("author=x&comment=%G1"), 400, "malformed percent-encoding in field comment");
  check_error(urlencoded("comment=abc%4"), 400, "malformed percent-encoding in field comment");
  check_error(urlencoded("comment=%"), 400, "malformed percent-encoding in field comment");
  check_error(urlencoded("comment=%%41"), 400, "malformed percent-encoding in field comment");
  check_error(urlencoded("na%zme=1"), 400, "malformed percent-encoding in field name na%zme");
}

TEST_CASE("decode_form: unknown or missing content types are a 415") {
  const std::string expected = "; expected application/x-www-form-urlencoded or multipart/form-data";
  check_error(decode_form("text/plain", "a=1", {}), 415, "unsupported content type text/plain" + expected);
  check_error(decode_form("application/json; charset=utf-8", "{}", {}), 415,
              "unsupported content type application/json" + expected);
  check_error(decode_form("", "a=1", {}), 415, "missing Content-Type" + expected);
}

TEST_CASE("limits: a body of exactly max_body_bytes passes, one byte more is a 413") {
  LimitsConfig limits;
  limits.max_body_bytes = 20;
  const std::string body = "comment=" + std::string(12, 'x');  // 20 bytes
  CHECK(urlencoded(body, limits).ok());
  check_error(urlencoded(body + "x", limits), 413, "request body is larger than 20 bytes");
  // The size is checked before the content type.
  check_error(decode_form("text/plain", body + "x", limits), 413, "request body is larger than 20 bytes");
}

TEST_CASE("limits: exactly max_fields fields pass, one more is a 400") {
  LimitsConfig limits;
  limits.max_fields = 3;
  CHECK(urlencoded("a=1&b=2&c=3", limits).fields.size() == 3);
  check_error(urlencoded("a=1&b=2&c=3&d=4", limits), 400, "more than 3 form fields");
  check_error(urlencoded("a&b&c&d", limits), 400, "more than 3 form fields");
}

TEST_CASE("limits: a decoded value of exactly max_field_bytes passes, one more is a 413") {
  LimitsConfig limits;
  limits.max_field_bytes = 10;
  CHECK(urlencoded("comment=" + std::string(10, 'x'), limits).ok());
  // The decoded length counts: ten %41 escapes are ten bytes.
  CHECK(urlencoded("comment=%41%41%41%41%41%41%41%41%41%41", limits).fields == FormFields{{"comment", "AAAAAAAAAA"}});
  check_error(urlencoded("comment=" + std::string(11, 'x'), limits), 413, "field comment is longer than 10 bytes");
  check_error(urlencoded(std::string(11, 'n') + "=1", limits), 413, "field name nnnnnnnnnnn is longer than 10 bytes");
}

TEST_CASE("text rules: invalid UTF-8 in a name or value is a 400 naming the field") {
  check_error(urlencoded("comment=%C0%AF"), 400, "invalid UTF-8 in field comment");        // overlong
  check_error(urlencoded("comment=%ED%A0%80"), 400, "invalid UTF-8 in field comment");     // surrogate
  check_error(urlencoded("comment=%F4%90%80%80"), 400, "invalid UTF-8 in field comment");  // above U+10FFFF
  check_error(urlencoded("author=Jos%E9"), 400, "invalid UTF-8 in field author");          // Latin-1
  check_error(urlencoded("caf%C3=1"), 400, "invalid UTF-8 in field caf\\xC3");
  CHECK(urlencoded("n%C3%A4me=%F0%9F%98%80").fields == FormFields{{"n\xC3\xA4me", "\xF0\x9F\x98\x80"}});
}

TEST_CASE("text rules: NUL in a name is a 400; NUL in a value is kept for HEADER_INJECTION to score") {
  check_error(urlencoded("a%00b=1"), 400, "NUL byte in field name a\\x00b");
  const FormResult result = urlencoded("email=x%40example.com%00%0ABcc:+y%40example.com");
  REQUIRE(result.ok());
  CHECK(result.fields[0].second == std::string("x@example.com") + '\0' + "\nBcc: y@example.com");
}

TEST_CASE("reasons stay on one line: control bytes in names are escaped and long names cut") {
  check_error(urlencoded("a%0Ab%5C=%FF"), 400, "invalid UTF-8 in field a\\x0Ab\\x5C");
  const FormResult result = urlencoded(std::string(100, 'n') + "=%FF");
  CHECK(result.error.reason == "invalid UTF-8 in field " + std::string(64, 'n') + "...");
  check_error(urlencoded("=%FF"), 400, "invalid UTF-8 in field (empty)");
}
