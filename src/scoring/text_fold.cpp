#include "scoring/text_fold.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <array>
#include <cstring>

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

// For each byte: the byte NFKC_Casefold turns it into, or 0 when the
// table may not stand in for ICU there (not ASCII, it folds to something
// else, or text before it can change with it: no normalisation boundary
// before it). Asked of ICU once, so the table cannot disagree with it.
const std::array<char, 256>& byte_folds() {
  static const std::array<char, 256> table = [] {
    std::array<char, 256> folds{};
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

// True when byte_folds() lowercases ASCII letters and keeps every other
// byte from 1 to 127 (what ICU says today), so that fold_ascii_words may
// stand in for it 8 bytes at a time.
bool ascii_folds_to_lowercase() {
  static const bool lowercase = [] {
    const std::array<char, 256>& folds = byte_folds();
    for (int c = 1; c < 128; ++c)
      if (folds[static_cast<size_t>(c)] != static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c)) return false;
    return true;
  }();
  return lowercase;
}

// Folds the text at `from` into `to` 8 bytes at a time while the 8 bytes
// are ASCII without NUL (capitals lowercased in the one 64-bit word), and
// returns where it stopped: byte_folds() takes over from there.
size_t fold_ascii_words(const char* text, size_t from, size_t size, char*& to) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighBits = 0x8080808080808080ULL;
  for (; from + 8 <= size; from += 8, to += 8) {
    uint64_t bytes;
    std::memcpy(&bytes, text + from, 8);
    const uint64_t zero_byte = (bytes - kOnes) & ~bytes & kHighBits;
    if ((bytes & kHighBits) | zero_byte) break;
    // A byte's high bit: set from 'A' on, and from '[' on; capitals have the first only.
    const uint64_t from_a = bytes + kOnes * (0x80 - 'A'), past_z = bytes + kOnes * (0x80 - 'Z' - 1);
    bytes |= (from_a & ~past_z & kHighBits) >> 2;  // 0x80 >> 2 = 'a' - 'A'
    std::memcpy(to, &bytes, 8);
  }
  return from;
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
  std::string out;
  fold_text_into(raw, out);
  return out;
}

void fold_text_into(std::string_view raw, std::string& out) {
  std::string decoded;
  if (raw.find('&') != std::string_view::npos) {
    decoded = html_entity_decode_once(raw);
    raw = decoded;
  }
  const char* const table = byte_folds().data();
  const bool ascii_lowercase = ascii_folds_to_lowercase();
  const char* const text = raw.data();
  const size_t size = raw.size();
  // `out` keeps room for the rest of the text past `written`: the table
  // folds a byte into the place of the byte, and what ICU gives is copied
  // in (more room made when it is longer than what it folded).
  out.resize(size);
  size_t written = 0;
  thread_local std::string piece;
  const auto put_piece = [&out, &written](size_t rest) {
    if (out.size() < written + piece.size() + rest) out.resize(written + piece.size() + rest);
    std::memcpy(out.data() + written, piece.data(), piece.size());
    written += piece.size();
  };
  size_t pos = 0;
  while (pos < size) {
    char* to = out.data() + written;
    size_t run = ascii_lowercase ? fold_ascii_words(text, pos, size, to) : pos;
    for (char folded; run < size && (folded = table[static_cast<unsigned char>(text[run])]) != 0; ++run) *to++ = folded;
    written += run - pos;
    if (run == size) break;
    size_t length = 1;
    const UChar32 c = code_point_at(raw, run, length);
    piece.clear();
    if (folds_alone(c)) {
      append_folded_alone(c, raw.substr(run, length), piece);
      pos = run + length;
      put_piece(size - pos);
      continue;
    }
    // An ICU run, up to the next table-folded byte (one call for the run,
    // however many of its characters would fold alone), with the byte
    // before it, taken back from the table's run.
    const size_t icu_begin = run > pos ? run - 1 : run;
    written -= run - icu_begin;
    size_t icu_end = run + 1;
    while (icu_end < size && table[static_cast<unsigned char>(text[icu_end])] == 0) ++icu_end;
    append_icu_folded(raw.substr(icu_begin, icu_end - icu_begin), piece);
    pos = icu_end;
    put_piece(size - pos);
  }
  out.resize(written);
}

}  // namespace spamgate
