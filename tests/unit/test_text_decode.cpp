// percent_decode_once and html_entity_decode_once: exactly one layer.
#include <doctest/doctest.h>

#include "util/text_decode.h"
#include "util/utf8.h"

using namespace spamgate;

TEST_CASE("percent_decode_once decodes %XX once and leaves everything else") {
  CHECK(percent_decode_once("a%0d%0Ab") == "a\r\nb");
  CHECK(percent_decode_once("%250a") == "%0a");
  CHECK(percent_decode_once("%25250a") == "%250a");
  CHECK(percent_decode_once("a+b") == "a+b");
  CHECK(percent_decode_once("100% sure, %zz, %4") == "100% sure, %zz, %4");
  CHECK(percent_decode_once("%") == "%");
  CHECK(percent_decode_once("%00") == std::string("\0", 1));
  CHECK(percent_decode_once("%C3%A9") == "\xC3\xA9");
  CHECK(percent_decode_once("%u000a") == "%u000a");
}

TEST_CASE("html_entity_decode_once decodes numeric and named references once") {
  CHECK(html_entity_decode_once("a&#10;b&#13;c") == "a\nb\rc");
  CHECK(html_entity_decode_once("&#x0a;&#X0D;&#x0A") == "\n\r\n");
  CHECK(html_entity_decode_once("&#0010;x") == "\nx");
  CHECK(html_entity_decode_once("&NewLine;&Tab;") == "\n\t");
  CHECK(html_entity_decode_once("&lt;a&gt; &amp; &quot;q&quot; &apos;") == "<a> & \"q\" '");
  CHECK(html_entity_decode_once("a&commat;b&comma;c&semi;d&colon;") == "a@b,c;d:");
  CHECK(html_entity_decode_once("&amp;#10;") == "&#10;");
  CHECK(html_entity_decode_once("&nbsp;&hellip;") == "\xC2\xA0\xE2\x80\xA6");
  CHECK(html_entity_decode_once("&#0;") == std::string("\0", 1));
  CHECK(html_entity_decode_once("&#133;") == "\xC2\x85");  // U+0085, not HTML5's remapped "…"
  CHECK(html_entity_decode_once("&#x2028;") == "\xE2\x80\xA8");
  CHECK(html_entity_decode_once("&#xD800;&#99999999999;") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(html_entity_decode_once("&#x1F600;") == "\xF0\x9F\x98\x80");
  CHECK(html_entity_decode_once("AT&T &unknown; &#; &#x; & ;") == "AT&T &unknown; &#; &#x; & ;");
  CHECK(html_entity_decode_once("&LT;&Lt;") == "<&Lt;");  // names are case-sensitive, as in HTML
}

TEST_CASE("is_valid_utf8 follows RFC 3629") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ASCII"));
  CHECK(is_valid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF"));  // é € 😀 U+10FFFF
  CHECK_FALSE(is_valid_utf8("\x80"));              // lone continuation
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  CHECK(first_invalid_utf8("ab\xC3(") == 2);
}
