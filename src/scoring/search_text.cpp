#include "scoring/search_text.h"

#include <unicode/normalizer2.h>
#include <unicode/uniset.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "util/utf8.h"

namespace spamgate {
namespace {

const icu::Normalizer2& nfkc() {
  static const icu::Normalizer2* instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* found = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU's NFKC data is missing");
    return found;
  }();
  return *instance;
}

// The offset of the first byte >= 0x80, or text.size().
size_t ascii_prefix(std::string_view text) {
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t block;
    std::memcpy(&block, text.data() + i, 8);
    if ((block & 0x8080808080808080ULL) != 0) break;
  }
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

// Characters that may change under NFKC or reorder (NFKC_Quick_Check No or
// Maybe, or a non-zero combining class): a text with none of them is in NFKC
// form (UAX #15 quick check), and a frozen set finds one fast.
const icu::UnicodeSet* maybe_changing() {
  static const icu::UnicodeSet* set = []() -> const icu::UnicodeSet* {
    UErrorCode status = U_ZERO_ERROR;
    auto* made = new icu::UnicodeSet(icu::UnicodeString::fromUTF8("[[:NFKC_QC=N:][:NFKC_QC=M:][:^ccc=0:]]"), status);
    if (U_FAILURE(status)) {
      delete made;
      return nullptr;
    }
    made->freeze();
    return made;
  }();
  return set;
}

icu::StringPiece piece(std::string_view text) { return {text.data(), static_cast<int32_t>(text.size())}; }

}  // namespace

// Leading ASCII text is well-formed and in NFKC form, and every ASCII
// character has a normalisation boundary before it: only the text from the
// last ASCII byte of that run on (a mark after it may compose with it)
// needs checking.
std::optional<std::string> search_text(std::string_view text) {
  const size_t prefix = ascii_prefix(text);
  if (prefix == text.size()) return std::nullopt;
  const std::string_view rest = text.substr(prefix > 0 ? prefix - 1 : 0);
  const bool well_formed = first_invalid_utf8(rest) == rest.size();
  if (well_formed) {
    const icu::UnicodeSet* changing = maybe_changing();
    if (changing && static_cast<size_t>(changing->spanUTF8(rest.data(), static_cast<int32_t>(rest.size()),
                                                           USET_SPAN_NOT_CONTAINED)) == rest.size())
      return std::nullopt;
    UErrorCode status = U_ZERO_ERROR;
    if (nfkc().isNormalizedUTF8(piece(rest), status) && U_SUCCESS(status)) return std::nullopt;
  }
  std::string repaired;
  if (!well_formed) {
    repaired = replace_invalid_utf8(text);
    text = repaired;
  }
  UErrorCode status = U_ZERO_ERROR;
  if (!well_formed && nfkc().isNormalizedUTF8(piece(text), status) && U_SUCCESS(status)) return repaired;
  std::string normalised;
  normalised.reserve(text.size());
  icu::StringByteSink<std::string> sink(&normalised);
  status = U_ZERO_ERROR;
  nfkc().normalizeUTF8(0, piece(text), sink, nullptr, status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("NFKC normalisation failed: ") + u_errorName(status));
  return normalised;
}

}  // namespace spamgate
