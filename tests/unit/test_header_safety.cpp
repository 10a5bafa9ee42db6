#include <doctest/doctest.h>

#include "util/header_safety.h"

using spamgate::header_unsafe_reason;

TEST_CASE("plain text, including non-ASCII, is header-safe") {
  CHECK_FALSE(header_unsafe_reason("Jane Doe"));
  CHECK_FALSE(header_unsafe_reason("Grüße aus Köln — 東京"));
  CHECK_FALSE(header_unsafe_reason("price =? not an encoded word"));
}

TEST_CASE("line breaks and NUL are unsafe in every form") {
  CHECK(header_unsafe_reason("a\rb") == "carriage return");
  CHECK(header_unsafe_reason("a\nBcc: x@example.com") == "line feed");
  CHECK(header_unsafe_reason("a\r\nb") == "carriage return");
  CHECK(header_unsafe_reason(std::string("a\0b", 3)) == "NUL");
  CHECK(header_unsafe_reason("a\xC2\x85" "b") == "next line (U+0085)");
  CHECK(header_unsafe_reason("a\xE2\x80\xA8" "b") == "line separator (U+2028)");
  CHECK(header_unsafe_reason("a\xE2\x80\xA9" "b") == "paragraph separator (U+2029)");
}

TEST_CASE("encoded-words are unsafe: they can carry a line break past a filter") {
  CHECK(header_unsafe_reason("=?UTF-8?Q?a=0D=0ABcc:_x@example.com?=") == "encoded-word");
  CHECK(header_unsafe_reason("hi =?utf-8?b?QmNjOiB4QGV4YW1wbGUuY29t?=") == "encoded-word");
}
