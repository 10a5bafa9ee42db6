#include "scoring/fuzzy/fuzzy_fingerprint.h"

#include <algorithm>
#include <string>
#include <vector>

#include "scoring/checks/builtin_checks.h"
#include "scoring/learn/features.h"
#include "scoring/text_classes.h"

namespace spamgate {
namespace {

// Placeholders (private-use code points, which no normalisation changes)
// standing for what a spammer varies from one copy to the next.
constexpr char kLinkMark[] = "\xEE\x80\x80";   // U+E000
constexpr char kEmailMark[] = "\xEE\x80\x81";  // U+E001
constexpr char kNameMark[] = "\xEE\x80\x82";   // U+E002
constexpr UChar32 kFirstMark = 0xE000, kLastMark = 0xE002;
constexpr uint64_t kNumberToken = 0x6e756d6265720001ULL;

uint64_t mix(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t fnv1a(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

bool address_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_' || c == '+' || c == '%';
}

bool mention_char(char c) {
  return c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',' && c != ':' && c != '@' && c != '+';
}

// The offset of the first '@' or '+' in `text` at or after `from`, or
// text.size() (find_first_of would search "@+" for every character).
size_t next_sign(std::string_view text, size_t from) {
  const auto sign = std::find_if(text.begin() + static_cast<std::ptrdiff_t>(from), text.end(),
                                 [](char c) { return c == '@' || c == '+'; });
  return static_cast<size_t>(sign - text.begin());
}

// `body` with its links, e-mail addresses and @name / +name mentions
// replaced by placeholders (each surrounded by spaces).
std::string masked(std::string_view body, const std::vector<LinkSpan>& links) {
  std::string out;
  out.reserve(body.size() + 16);
  size_t pos = 0;
  for (const LinkSpan& link : links) {
    if (link.begin < pos) continue;
    out.append(body.substr(pos, link.begin - pos)).append(" ").append(kLinkMark).append(" ");
    pos = link.end;
  }
  out.append(body.substr(pos));
  if (next_sign(out, 0) == out.size()) return out;  // no address or mention: nothing more to mask

  std::string result;
  result.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const size_t sign = next_sign(out, i);
    result.append(out, i, sign - i);  // plain text up to the next '@' or '+'
    if (sign == out.size()) break;
    i = sign;
    const char c = out[i];
    const bool word_start = i == 0 || out[i - 1] == ' ' || out[i - 1] == '\n' || out[i - 1] == '\t';
    if (c == '@' && !word_start) {
      // an address: the local part is already in `result`; the domain follows
      size_t local = result.size();
      while (local > 0 && address_char(result[local - 1])) --local;
      size_t end = i + 1;
      while (end < out.size() && address_char(out[end])) ++end;
      const std::string_view domain(out.data() + i + 1, end - i - 1);
      if (local < result.size() && domain.find('.') != std::string_view::npos) {
        result.resize(local);
        result.append(" ").append(kEmailMark).append(" ");
        i = end - 1;
        continue;
      }
      result += c;
      continue;
    }
    if (word_start && i + 1 < out.size() && mention_char(out[i + 1]) && (c == '@' || !(out[i + 1] >= '0' && out[i + 1] <= '9'))) {
      size_t end = i + 1;
      while (end < out.size() && mention_char(out[end])) ++end;
      result.append(" ").append(kNameMark).append(" ");
      i = end - 1;
      continue;
    }
    result += c;
  }
  return result;
}

struct Token {
  uint64_t hash;
  bool unspaced;  // one character of a script written without spaces
};

bool all_digits(std::string_view word) {
  return std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The tokens of folded text: words, single unspaced characters and
// placeholders; numbers become one token.
template <typename Emit>
void tokenize(std::string_view text, Emit emit) {
  size_t word_begin = std::string_view::npos;
  const auto flush = [&](size_t end) {
    if (word_begin == std::string_view::npos) return;
    const std::string_view word = text.substr(word_begin, end - word_begin);
    emit(Token{all_digits(word) ? kNumberToken : fnv1a(word), false}, word);
    word_begin = std::string_view::npos;
  };
  for (size_t pos = 0; pos < text.size();) {
    size_t length = 1;
    const UChar32 c = code_point_at(text, pos, length);
    if (c >= kFirstMark && c <= kLastMark) {
      flush(pos);
      emit(Token{mix(static_cast<uint64_t>(c)), false}, std::string_view());
    } else {
      switch (classify(c)) {
        case CharClass::word:
          if (word_begin == std::string_view::npos) word_begin = pos;
          break;
        case CharClass::unspaced:
          flush(pos);
          emit(Token{fnv1a(text.substr(pos, length)), true}, std::string_view());
          break;
        case CharClass::separator: flush(pos); break;
      }
    }
    pos += length;
    if (word_begin != std::string_view::npos)  // the rest of an ASCII word, at once
      while (pos < text.size() && ascii_alnum(static_cast<unsigned char>(text[pos]))) ++pos;
  }
  flush(text.size());
}

// Both sketches of a shingle set, built as the shingles come, repeats
// included: each bin keeps its minimum, and `smallest_` the kFuzzyBottom
// smallest distinct hashes, ascending (a hash above the largest kept, once
// full, costs one comparison).
class ShingleSketch {
 public:
  ShingleSketch() { bins_.fill(kEmpty); }

  void add(uint64_t shingle) {
    // One permutation: the low bits choose the bin, the next ones compete.
    uint32_t& bin = bins_[shingle % kFuzzyBins];
    bin = std::min(bin, static_cast<uint32_t>(shingle >> 6));
    if (kept_ == kFuzzyBottom && shingle >= smallest_[kFuzzyBottom - 1]) return;
    uint64_t* const end = smallest_.data() + kept_;
    uint64_t* const at = first_not_below(shingle);
    if (at != end && *at == shingle) return;
    if (kept_ < kFuzzyBottom) ++kept_;
    std::copy_backward(at, smallest_.data() + kept_ - 1, smallest_.data() + kept_);
    *at = shingle;
  }

  // nullopt when fewer than kFuzzyMinShingles distinct shingles came.
  std::optional<FuzzyFingerprint> fingerprint() const {
    if (kept_ < kFuzzyMinShingles) return std::nullopt;
    FuzzyFingerprint out;
    // An empty bin borrows the next filled one's value (rotation), re-hashed
    // by the distance, so two texts still agree there when they agree on it.
    for (size_t i = 0; i < kFuzzyBins; ++i) {
      if (bins_[i] != kEmpty) {
        out.bins[i] = bins_[i];
        continue;
      }
      size_t step = 1;
      while (bins_[(i + step) % kFuzzyBins] == kEmpty) ++step;
      out.bins[i] = static_cast<uint32_t>(mix(bins_[(i + step) % kFuzzyBins] + (static_cast<uint64_t>(step) << 32)));
    }
    // Bottom-k: the smallest hashes, by their top bits.
    out.bottom_size = static_cast<uint32_t>(kept_);
    for (size_t i = 0; i < kept_; ++i) out.bottom[i] = static_cast<uint32_t>(smallest_[i] >> 32);
    return out;
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  // The first kept hash not below `shingle` (std::lower_bound, without
  // branches: the hashes are random, and a branch would mispredict at every
  // other step).
  uint64_t* first_not_below(uint64_t shingle) {
    uint64_t* base = smallest_.data();
    if (kept_ == 0) return base;
    for (size_t length = kept_; length > 1;) {
      const size_t half = length / 2;
      base = base[half] < shingle ? base + half : base;
      length -= half;
    }
    return base + (*base < shingle);
  }
  std::array<uint32_t, kFuzzyBins> bins_;
  std::array<uint64_t, kFuzzyBottom> smallest_{};
  size_t kept_ = 0;
};

}  // namespace

std::optional<FuzzyFingerprint> fuzzy_fingerprint(std::string_view body, std::string_view author,
                                                  const std::vector<LinkSpan>* body_links) {
  // The author's own name, wherever the text repeats it.
  std::vector<uint64_t> name_words;
  if (!author.empty())
    tokenize(fold_text(author), [&](const Token& t, std::string_view word) {
      if (word.size() >= 2) name_words.push_back(t.hash);
    });
  const uint64_t name_token = mix(static_cast<uint64_t>(0xE002));

  const std::vector<LinkSpan> found = body_links ? std::vector<LinkSpan>() : link_spans(body);
  const std::string text = fold_text(masked(body, body_links ? *body_links : found));
  ShingleSketch sketch;
  bool have_previous = false;
  uint64_t previous = 0;
  tokenize(text, [&](Token t, std::string_view) {
    if (std::find(name_words.begin(), name_words.end(), t.hash) != name_words.end()) t.hash = name_token;
    if (!t.unspaced) sketch.add(mix(t.hash));
    if (have_previous) sketch.add(mix(previous * 0x9E3779B97F4A7C15ULL + t.hash + 1));
    previous = t.hash;
    have_previous = true;
  });
  return sketch.fingerprint();
}

double fuzzy_similarity(const FuzzyFingerprint& a, const FuzzyFingerprint& b) {
  // Walk the union's smallest hashes in order; count those both sketches hold.
  size_t i = 0, j = 0, taken = 0, both = 0;
  while (taken < kFuzzyBottom && (i < a.bottom_size || j < b.bottom_size)) {
    if (j >= b.bottom_size || (i < a.bottom_size && a.bottom[i] < b.bottom[j])) {
      ++i;
    } else if (i >= a.bottom_size || b.bottom[j] < a.bottom[i]) {
      ++j;
    } else {
      ++both, ++i, ++j;
    }
    ++taken;
  }
  return taken == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(taken);
}

}  // namespace spamgate
