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

const std::string kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
const std::string kType = "multipart/form-data; boundary=" + kBoundary;

std::string part(const std::string& headers, const std::string& content) {
  return "--" + kBoundary + "\r\n" + headers + "\r\n\r\n" + content + "\r\n";
}
std::string text_part(const std::string& name, const std::string& content) {
  return part("Content-Disposition: form-data; name=\"" + name + "\"", content);
}
const std::string kClosing = "--" + kBoundary + "--\r\n";

FormResult multipart(const std::string& body, const LimitsConfig& limits = {}) {
  return decode_form(kType, body, limits);
}

}  // namespace

TEST_CASE("multipart: a browser's comment form with an empty file input decodes; the file part is skipped") {
  // As Chrome sends it: CRLF line ends, an empty <input type=file> as filename="".
  const std::string body =
      "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
      "Content-Disposition: form-data; name=\"author\"\r\n"
      "\r\n"
      "Jane Doe\r\n"
      "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
      "Content-Disposition: form-data; name=\"comment\"\r\n"
      "\r\n"
      "Gr\xC3\xBC\xC3\x9F" "e aus K\xC3\xB6ln!\r\n-- \r\nJane\r\n"
      "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
      "Content-Disposition: form-data; name=\"attachment\"; filename=\"\"\r\n"
      "Content-Type: application/octet-stream\r\n"
      "\r\n"
      "\r\n"
      "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
      "Content-Disposition: form-data; name=\"comment_post_ID\"\r\n"
      "\r\n"
      "42\r\n"
      "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";
  const FormResult result = multipart(body);
  REQUIRE(result.ok());
  CHECK(result.fields == FormFields{{"author", "Jane Doe"},
                                    {"comment", "Gr\xC3\xBC\xC3\x9F" "e aus K\xC3\xB6ln!\r\n-- \r\nJane"},
                                    {"comment_post_ID", "42"}});
}

TEST_CASE("multipart: file content is neither kept nor UTF-8 checked, but counts as a field") {
  const std::string file = part(
      "Content-Disposition: form-data; name=\"photo\"; filename=\"cat.jpg\"\r\nContent-Type: image/jpeg",
      std::string("\xFF\xD8\xFF\xE0\0\x10JFIF", 10));
  const std::string body = text_part("a", "1") + file + text_part("b", "2") + kClosing;
  CHECK(multipart(body).fields == FormFields{{"a", "1"}, {"b", "2"}});
  LimitsConfig limits;
  limits.max_fields = 2;
  check_error(multipart(body, limits), 400, "more than 2 form fields");
}

TEST_CASE("multipart: a file part named like a text field cannot shadow it") {
  // PHP keeps the text "comment" in $_POST; so must we (no empty "comment" after it).
  const std::string body = text_part("comment", "buy pills") +
                           part("Content-Disposition: form-data; name=\"comment\"; filename=\"x.txt\"", "") + kClosing;
  CHECK(multipart(body).fields == FormFields{{"comment", "buy pills"}});
  // filename* alone is not a file for PHP, so it is a text field here too.
  const std::string star = part("Content-Disposition: form-data; name=\"comment\"; filename*=UTF-8''x.txt", "hi") + kClosing;
  CHECK(multipart(star).fields == FormFields{{"comment", "hi"}});
}

TEST_CASE("multipart: boundary parameter quoted or not, any case, among other parameters") {
  const std::string body = "--simple boundary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--simple boundary--";
  CHECK(decode_form("multipart/form-data; boundary=\"simple boundary\"", body, {}).fields == FormFields{{"a", "1"}});
  const std::string plain = "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xyz--";
  CHECK(decode_form("Multipart/Form-Data; charset=utf-8; BOUNDARY=xyz", plain, {}).fields == FormFields{{"a", "1"}});
  CHECK(decode_form("multipart/form-data;boundary=\"xyz\" ; charset=utf-8", plain, {}).ok());
  const std::string longest(70, 'b');
  const std::string at_limit = "--" + longest + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--" + longest + "--";
  CHECK(decode_form("multipart/form-data; boundary=" + longest, at_limit, {}).ok());
}

TEST_CASE("multipart: a missing, ambiguous or invalid boundary parameter is a 400") {
  const std::string body = "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--";
  check_error(decode_form("multipart/form-data", body, {}), 400, "multipart/form-data without a boundary parameter");
  check_error(decode_form("multipart/form-data; charset=utf-8", body, {}), 400,
              "multipart/form-data without a boundary parameter");
  check_error(decode_form("multipart/form-data; xboundary=y; boundary=x", body, {}), 400,
              "ambiguous boundary parameter in Content-Type");
  check_error(decode_form("multipart/form-data; boundary=x; boundary=y", body, {}), 400,
              "ambiguous boundary parameter in Content-Type");
  check_error(decode_form("multipart/form-data; boundary = x", body, {}), 400,
              "malformed boundary parameter in Content-Type");
  check_error(decode_form("multipart/form-data; boundary=\"x", body, {}), 400,
              "malformed boundary parameter in Content-Type");
  check_error(decode_form("multipart/form-data; boundary=", body, {}), 400, "invalid multipart boundary");
  check_error(decode_form("multipart/form-data; boundary=" + std::string(71, 'b'), body, {}), 400,
              "invalid multipart boundary");
  check_error(decode_form("multipart/form-data; boundary=a<b", body, {}), 400, "invalid multipart boundary");
}

TEST_CASE("multipart: a missing opening or closing delimiter is a 400") {
  check_error(multipart("no boundary at all"), 400, "multipart body does not contain its boundary");
  check_error(multipart(text_part("a", "1")), 400, "multipart body has no closing boundary");
  check_error(multipart(text_part("a", "1") + "--" + kBoundary + "\r\n"), 400,
              "multipart body has no closing boundary");
  check_error(multipart("--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunfinished"), 400,
              "multipart body has no closing boundary");
  check_error(multipart("x--" + kBoundary + "--"), 400, "malformed multipart boundary line");
  check_error(multipart("--" + kBoundary + "junk\r\n"), 400, "malformed multipart boundary line");
}

TEST_CASE("multipart: preamble, transport padding and epilogue are allowed; an empty form decodes") {
  const std::string body = "This is the preamble.\r\n--" + kBoundary + "  \r\n" +
                           "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n" + kClosing + "epilogue";
  CHECK(multipart(body).fields == FormFields{{"a", "1"}});
  const FormResult empty = multipart(kClosing);
  CHECK(empty.ok());
  CHECK(empty.fields.empty());
}

TEST_CASE("multipart: parts without Content-Disposition or without a name are a 400") {
  check_error(multipart("--" + kBoundary + "\r\n\r\nvalue\r\n" + kClosing), 400, "part without Content-Disposition");
  check_error(multipart(part("Content-Type: text/plain", "v") + kClosing), 400, "part without Content-Disposition");
  check_error(multipart(part("Content-Disposition: form-data; filename=\"a.txt\"", "v") + kClosing), 400,
              "part without a field name");
  check_error(multipart(part("Content-Disposition: attachment; name=\"a\"", "v") + kClosing), 400,
              "part Content-Disposition is not form-data");
}

TEST_CASE("multipart: a part that is itself multipart is refused, not decoded") {
  const std::string nested =
      part("Content-Disposition: form-data; name=\"files\"\r\nContent-Type: multipart/mixed; boundary=inner",
           "--inner\r\nContent-Disposition: file; filename=\"a.txt\"\r\n\r\nA\r\n--inner--");
  check_error(multipart(text_part("a", "1") + nested + kClosing), 400,
              "field files is itself multipart (multipart/mixed); nested multipart is not supported");
}

TEST_CASE("multipart: part headers up to the limit pass; longer ones are a 400") {
  const std::string disposition = "Content-Disposition: form-data; name=\"a\"";
  const size_t filler = spamgate::kMaxPartHeaderBytes - disposition.size() - 2 - 5 - 2;  // CRLF, "X-P: ", CRLF
  const std::string at_limit = disposition + "\r\nX-P: " + std::string(filler, 'p');  // lines + CRLFs = the limit
  CHECK(multipart(part(at_limit, "1") + kClosing).fields == FormFields{{"a", "1"}});
  check_error(multipart(part(at_limit + "p", "1") + kClosing), 400, "part headers longer than 8192 bytes");
  check_error(multipart("--" + kBoundary + "\r\nX-P: " + std::string(20000, 'p')), 400,
              "part headers longer than 8192 bytes");
}

TEST_CASE("multipart: header syntax PHP could read differently is refused") {
  check_error(multipart(part("Content-Disposition: form-data; name=\"a\"\r\nContent-Disposition: form-data; name=\"b\"", "v") +
                        kClosing),
              400, "duplicate Content-Disposition in a part");
  check_error(multipart(part("Content-Disposition: form-data; name=\"a\"; name=\"b\"", "v") + kClosing), 400,
              "duplicate name in part Content-Disposition");
  check_error(multipart(part("Content-Disposition: form-data; name=\"a\"\r\n ; name=\"comment\"", "v") + kClosing), 400,
              "folded part header");
  check_error(multipart(part("Content-Disposition : form-data; name=\"a\"", "v") + kClosing), 400,
              "malformed part header");
  check_error(multipart(part("Content-Disposition: form-data; name=\x0B" "comment", "v") + kClosing), 400,
              "control character in part header");
  check_error(multipart(part("Content-Disposition: form-data; name=\"a", "v") + kClosing), 400,
              "malformed part Content-Disposition");
  check_error(multipart(part("Content-Disposition: form-data; name=a b", "v") + kClosing), 400,
              "malformed part Content-Disposition");
  // PHP splits parts at "\n--boundary"; a delimiter after a bare LF must not hide a field.
  check_error(multipart(text_part("x", "hello\n--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nspam") +
                        kClosing),
              400, "boundary string inside field x");
}

TEST_CASE("multipart: names are read as PHP reads them: quotes, single quotes, escapes, tokens") {
  const std::string body = part("content-disposition: FORM-DATA; NAME='comment'", "1") +
                           part("Content-Disposition: form-data; name=\"a\\\"b\\\\c\\d\"", "2") +
                           part("Content-Disposition: form-data;name=plain;filename*=x", "3") + kClosing;
  CHECK(multipart(body).fields == FormFields{{"comment", "1"}, {"a\"b\\c\\d", "2"}, {"plain", "3"}});
}

TEST_CASE("multipart: field limits and text rules are those of urlencoded forms") {
  LimitsConfig limits;
  limits.max_field_bytes = 10;
  CHECK(multipart(text_part("comment", std::string(10, 'x')) + kClosing, limits).ok());
  check_error(multipart(text_part("comment", std::string(11, 'x')) + kClosing, limits), 413,
              "field comment is longer than 10 bytes");
  check_error(multipart(text_part("comment", "Jos\xE9") + kClosing), 400, "invalid UTF-8 in field comment");
  check_error(multipart(text_part("n\xC0\xAF", "x") + kClosing), 400, "invalid UTF-8 in field n\\xC0\\xAF");
  const FormResult nul = multipart(text_part("email", std::string("a@b.example\0x", 13)) + kClosing);
  REQUIRE(nul.ok());
  CHECK(nul.fields[0].second.size() == 13);
}
