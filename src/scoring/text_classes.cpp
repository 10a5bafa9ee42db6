#include "scoring/text_classes.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "util/utf8.h"

namespace spamgate {
namespace {

bool kana_block(UChar32 c) {
  return (c >= 0x3040 && c <= 0x30FF)      // hiragana, katakana and the prolonged sound mark (script Common)
         || (c >= 0x31F0 && c <= 0x31FF)   // katakana phonetic extensions
         || (c >= 0xFF66 && c <= 0xFF9F);  // half-width katakana with its sound marks
}

}  // namespace

UChar32 multibyte_code_point_at(std::string_view text, size_t pos, size_t& length) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = byte(0);
  length = utf8_sequence_length(text, pos);
  if (length == 0) return length = 1, U_SENTINEL;
  if (length == 2) return ((lead & 0x1F) << 6) | (byte(1) & 0x3F);
  if (length == 3) return ((lead & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
  return ((lead & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
}

bool ideograph_or_kana(UChar32 c) {
  if (kana_block(c)) return true;
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  return script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA;
}

CharClass classify_non_ascii(UChar32 c) {
  if (kana_block(c)) return CharClass::unspaced;
  UErrorCode status = U_ZERO_ERROR;
  switch (uscript_getScript(c, &status)) {
    case USCRIPT_HAN: case USCRIPT_HIRAGANA: case USCRIPT_KATAKANA: case USCRIPT_THAI:
    case USCRIPT_LAO: case USCRIPT_KHMER: case USCRIPT_MYANMAR:
      return CharClass::unspaced;
    default:
      break;
  }
  if (u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK)) return CharClass::word;
  return CharClass::separator;
}

}  // namespace spamgate
