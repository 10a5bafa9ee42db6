// Fuzzy fingerprints for FUZZY: a locality-sensitive summary of a text, so
// that two texts of one spam template (words swapped, links, numbers,
// addresses and names changed) get fingerprints that agree in most places,
// and unrelated texts in few. Pure: no state, never throws but for
// std::bad_alloc, whatever the bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace spamgate {

struct LinkSpan;  // scoring/checks/builtin_checks.h

// Two MinHash sketches of the text's shingle set: a one-permutation MinHash
// (`bins`: the minimum of each of kFuzzyBins bins) whose bands index the
// examples, and a bottom-k sketch (`bottom`: the kFuzzyBottom smallest
// hashes, ascending) that estimates the similarity of two texts, exactly
// when both have at most kFuzzyBottom shingles.
constexpr size_t kFuzzyBins = 64;
constexpr size_t kFuzzyBottom = 64;
struct FuzzyFingerprint {
  // how many of `bottom` are used (fewer shingles than kFuzzyBottom); next
  // to the first hashes, which a lookup reads first
  uint32_t bottom_size = 0;
  std::array<uint32_t, kFuzzyBottom> bottom{};
  std::array<uint32_t, kFuzzyBins> bins{};
};

// Texts with fewer distinct shingles than this get no fingerprint: "nice
// video" is said by spam and ham alike.
constexpr size_t kFuzzyMinShingles = 10;

// The fingerprint of `body` written by `author`: the text NFKC case-folded
// (ICU), links, e-mail addresses, numbers, @/+ mentions and the author's
// own name masked, then cut into words (scripts written with spaces) or
// single characters (Japanese, Chinese, Thai: no spaces between words);
// the shingles are the words and the pairs of neighbouring tokens.
// nullopt when the text has fewer than kFuzzyMinShingles shingles.
// `body_links`: link_spans(body) when the caller has found them already.
std::optional<FuzzyFingerprint> fuzzy_fingerprint(std::string_view body, std::string_view author = {},
                                                  const std::vector<LinkSpan>* body_links = nullptr);

// The Jaccard similarity of the two texts' shingle sets, 0..1, estimated
// from their bottom-k sketches (the share of the union's smallest hashes
// that both hold).
double fuzzy_similarity(const FuzzyFingerprint& a, const FuzzyFingerprint& b);

// fuzzy_similarity(a, b) when it is at least `threshold`; otherwise some
// value below `threshold`, found as soon as the hashes left to walk can no
// longer lift it there (a lookup compares most candidates this way, and
// reads only the start of their sketches).
double fuzzy_similarity_reaching(const FuzzyFingerprint& a, const FuzzyFingerprint& b, double threshold);

}  // namespace spamgate
