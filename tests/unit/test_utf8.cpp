#include <doctest/doctest.h>

#include <string>

#include "util/utf8.h"

using spamgate::is_valid_utf8;

TEST_CASE("utf8: well-formed text of every sequence length is valid") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ASCII text that is longer than eight bytes"));
  CHECK(is_valid_utf8("\xC2\x80"));              // U+0080, the smallest 2-byte
  CHECK(is_valid_utf8("\xDF\xBF"));              // U+07FF
  CHECK(is_valid_utf8("\xE0\xA0\x80"));          // U+0800, the smallest 3-byte
  CHECK(is_valid_utf8("\xED\x9F\xBF"));          // U+D7FF, just below the surrogates
  CHECK(is_valid_utf8("\xEE\x80\x80"));          // U+E000, just above them
  CHECK(is_valid_utf8("\xEF\xBF\xBF"));          // U+FFFF
  CHECK(is_valid_utf8("\xF0\x90\x80\x80"));      // U+10000, the smallest 4-byte
  CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF, the largest code point
  CHECK(is_valid_utf8("Grüße aus Köln — 東京 😀"));
  CHECK(is_valid_utf8(std::string("a\0b", 3)));  // NUL is valid UTF-8
}

TEST_CASE("utf8: stray, truncated and impossible bytes are invalid") {
  CHECK_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
  CHECK_FALSE(is_valid_utf8("abc\xBF"));
  CHECK_FALSE(is_valid_utf8("\xC3"));              // truncated 2-byte
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated 3-byte
  CHECK_FALSE(is_valid_utf8("\xF0\x9F\x98"));      // truncated 4-byte
  CHECK_FALSE(is_valid_utf8("\xC3(x"));            // lead byte without continuation
  CHECK_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));  // F5..FF never occur
  CHECK_FALSE(is_valid_utf8("\xFF"));
  CHECK_FALSE(is_valid_utf8("\xFE\xFF"));
}

TEST_CASE("utf8: overlong encodings, surrogates and code points above U+10FFFF are invalid") {
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // '/' as 2 bytes
  CHECK_FALSE(is_valid_utf8("\xC1\xBF"));
  CHECK_FALSE(is_valid_utf8("\xC0\x80"));          // "modified UTF-8" NUL
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // '/' as 3 bytes
  CHECK_FALSE(is_valid_utf8("\xE0\x9F\xBF"));      // U+07FF as 3 bytes
  CHECK_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // '/' as 4 bytes
  CHECK_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF as 4 bytes
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800
  CHECK_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // U+DFFF
  CHECK_FALSE(is_valid_utf8("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 surrogate pair
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  CHECK_FALSE(is_valid_utf8("\xF7\xBF\xBF\xBF"));
}

TEST_CASE("utf8: a bad byte is found anywhere in a long ASCII run") {
  for (size_t at = 0; at < 40; ++at) {
    std::string text(40, 'a');
    text[at] = '\xC0';
    CAPTURE(at);
    CHECK_FALSE(is_valid_utf8(text));
  }
  std::string tail(17, 'x');
  tail += "\xE2\x82\xAC";  // a valid sequence ending exactly at the end
  CHECK(is_valid_utf8(tail));
  tail.pop_back();
  CHECK_FALSE(is_valid_utf8(tail));
}
