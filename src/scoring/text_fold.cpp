#include "scoring/text_fold.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <array>

#include "scoring/text_classes.h"  // code_point_at
#include "util/text_decode.h"
#include "util/utf8.h"

namespace spamgate {
namespace {

const icu::Normalizer2* nfkc_casefold() {
  static const icu::Normalizer2* instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* found = icu::Normalizer2::getNFKCCasefoldInstance(status);
    return U_SUCCESS(status) ? found : nullptr;
  }();
  return instance;
}

// For each ASCII byte: the byte NFKC_Casefold turns it into, or 0 when the
// table may not stand in for ICU there (it folds to something else, or text
// before it can change with it: no normalisation boundary before it).
// Asked of ICU once, so the table cannot disagree with it.
const std::array<char, 128>& ascii_folds() {
  static const std::array<char, 128> table = [] {
    std::array<char, 128> folds{};
    const icu::Normalizer2* nfkc_cf = nfkc_casefold();
    if (!nfkc_cf) return folds;
    for (UChar32 c = 1; c < 128; ++c) {
      UErrorCode status = U_ZERO_ERROR;
      const icu::UnicodeString folded = nfkc_cf->normalize(icu::UnicodeString(c), status);
      if (U_SUCCESS(status) && nfkc_cf->hasBoundaryBefore(c) && folded.length() == 1 && folded.charAt(0) < 128)
        folds[static_cast<size_t>(c)] = static_cast<char>(folded.charAt(0));
    }
    return folds;
  }();
  return table;
}

// Appends NFKC_Casefold of `run` to `out`, each ill-formed byte replaced
// first; the repaired run unfolded if ICU fails (out of memory).
void append_icu_folded(std::string_view run, std::string& out) {
  std::string repaired;
  if (first_invalid_utf8(run) != run.size()) {
    repaired = replace_invalid_utf8(run);
    run = repaired;
  }
  const size_t before = out.size();
  UErrorCode status = U_ZERO_ERROR;
  if (const icu::Normalizer2* nfkc_cf = nfkc_casefold()) {
    icu::StringByteSink<std::string> sink(&out);
    nfkc_cf->normalizeUTF8(0, icu::StringPiece(run.data(), static_cast<int32_t>(run.size())), sink, nullptr, status);
    if (U_SUCCESS(status)) return;
  }
  out.resize(before);
  out.append(run);
}

// True when `c` has a normalisation boundary before and after it: it folds
// alone, whatever surrounds it (U+FEFF to nothing, an emoji or a Han
// ideograph to itself).
bool folds_alone(UChar32 c) {
  const icu::Normalizer2* nfkc_cf = nfkc_casefold();
  return c >= 0 && nfkc_cf && nfkc_cf->hasBoundaryBefore(c) && nfkc_cf->hasBoundaryAfter(c);
}

// Appends the fold of `bytes`, the one character `c` that folds_alone().
// ICU is asked once per character per thread (a small cache): YouTube's
// comments end in U+FEFF, FUZZY's placeholders are private-use characters,
// and each would otherwise cost a call into ICU.
void append_folded_alone(UChar32 c, std::string_view bytes, std::string& out) {
  if (nfkc_casefold()->isInert(c)) {
    out.append(bytes);
    return;
  }
  struct Folded {
    UChar32 c = -1;
    std::string text;
  };
  thread_local std::array<Folded, 64> recent;
  Folded& entry = recent[static_cast<size_t>(c) % recent.size()];
  if (entry.c != c) {
    entry.text.clear();
    append_icu_folded(bytes, entry.text);
    entry.c = c;
  }
  out.append(entry.text);
}

}  // namespace

// A text splits into runs of table-folded ASCII, characters that fold
// alone (where a run of other characters would begin), and runs of the
// rest, which ICU folds a run at a time. Each ASCII byte the
// table folds has a normalisation boundary before it, so the text before it
// normalises on its own; the byte just before an ICU run goes to ICU with
// the run (a combining mark may change it: "e" + U+0301 is "é").
std::string fold_text(std::string_view raw) {
  std::string decoded;
  if (raw.find('&') != std::string_view::npos) {
    decoded = html_entity_decode_once(raw);
    raw = decoded;
  }
  const std::array<char, 128>& folds = ascii_folds();
  const auto table_folds = [&](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 128 && folds[byte] != 0;
  };
  std::string out;
  out.reserve(raw.size());
  const auto append_table_folded = [&](size_t begin, size_t end) {
    const size_t at = out.size();
    out.resize(at + (end - begin));
    for (size_t i = begin; i < end; ++i) out[at + i - begin] = folds[static_cast<unsigned char>(raw[i])];
  };
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t run = pos;
    while (run < raw.size() && table_folds(raw[run])) ++run;
    if (run == raw.size()) {
      append_table_folded(pos, run);
      break;
    }
    size_t length = 1;
    const UChar32 c = code_point_at(raw, run, length);
    if (folds_alone(c)) {
      append_table_folded(pos, run);
      append_folded_alone(c, raw.substr(run, length), out);
      pos = run + length;
      continue;
    }
    // An ICU run, up to the next table-folded byte (one call for the run,
    // however many of its characters would fold alone).
    const size_t icu_begin = run > pos ? run - 1 : run;
    append_table_folded(pos, icu_begin);
    size_t icu_end = run + 1;
    while (icu_end < raw.size() && !table_folds(raw[icu_end])) ++icu_end;
    append_icu_folded(raw.substr(icu_begin, icu_end - icu_begin), out);
    pos = icu_end;
  }
  return out;
}

}  // namespace spamgate
