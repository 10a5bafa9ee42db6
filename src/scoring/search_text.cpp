#include "scoring/search_text.h"

#include <unicode/normalizer2.h>

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

bool ascii(std::string_view text) {
  unsigned char any = 0;
  for (char c : text) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

icu::StringPiece piece(std::string_view text) { return {text.data(), static_cast<int32_t>(text.size())}; }

}  // namespace

std::optional<std::string> search_text(std::string_view text) {
  if (ascii(text)) return std::nullopt;
  const bool well_formed = is_valid_utf8(text);
  std::string repaired;
  if (!well_formed) {
    repaired = replace_invalid_utf8(text);
    text = repaired;
  }
  UErrorCode status = U_ZERO_ERROR;
  if (nfkc().isNormalizedUTF8(piece(text), status) && U_SUCCESS(status))
    return well_formed ? std::nullopt : std::optional<std::string>(std::move(repaired));
  std::string normalised;
  normalised.reserve(text.size());
  icu::StringByteSink<std::string> sink(&normalised);
  status = U_ZERO_ERROR;
  nfkc().normalizeUTF8(0, piece(text), sink, nullptr, status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("NFKC normalisation failed: ") + u_errorName(status));
  return normalised;
}

}  // namespace spamgate
