// ShingleSketch, the sketches under FUZZY's fingerprints: whatever order
// and repeats the hashes come in, the bottom-k sketch holds the least
// distinct ones and each bin its least, as sorting them all would give.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "scoring/fuzzy/shingle_sketch.h"

using namespace spamgate;

namespace {

// The fingerprint of `hashes` the slow way: all sorted, repeats dropped.
std::optional<FuzzyFingerprint> sorted_sketch(std::vector<uint64_t> hashes) {
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  if (hashes.size() < kFuzzyMinShingles) return std::nullopt;
  FuzzyFingerprint out;
  out.bottom_size = static_cast<uint32_t>(std::min(hashes.size(), kFuzzyBottom));
  for (size_t i = 0; i < out.bottom_size; ++i) out.bottom[i] = static_cast<uint32_t>(hashes[i] >> 32);
  out.bins.fill(UINT32_MAX);
  for (const uint64_t h : hashes) out.bins[h % kFuzzyBins] = std::min(out.bins[h % kFuzzyBins], static_cast<uint32_t>(h >> 6));
  return out;
}

std::optional<FuzzyFingerprint> streamed_sketch(const std::vector<uint64_t>& hashes) {
  ShingleSketch sketch;
  for (const uint64_t h : hashes) sketch.add(h);
  return sketch.fingerprint();
}

// Bins filled in both (an empty bin is filled by borrowing, checked by the
// fingerprint tests through similarity).
void check_same(const std::optional<FuzzyFingerprint>& streamed, const std::optional<FuzzyFingerprint>& sorted) {
  REQUIRE(streamed.has_value() == sorted.has_value());
  if (!sorted) return;
  CHECK(streamed->bottom_size == sorted->bottom_size);
  CHECK(std::equal(streamed->bottom.begin(), streamed->bottom.begin() + sorted->bottom_size, sorted->bottom.begin()));
  for (size_t i = 0; i < kFuzzyBins; ++i)
    if (sorted->bins[i] != UINT32_MAX) CHECK(streamed->bins[i] == sorted->bins[i]);
}

}  // namespace

TEST_CASE("the sketch keeps the least distinct hashes and each bin's least, for short and long texts with repeats") {
  std::mt19937_64 random(25);
  for (const size_t count : {0, 5, 9, 10, 11, 40, 64, 65, 127, 128, 129, 300, 1000, 20000}) {
    CAPTURE(count);
    std::vector<uint64_t> pool(count / 2 + 1);
    for (uint64_t& h : pool) h = random();
    std::vector<uint64_t> hashes;
    for (size_t i = 0; i < count; ++i) hashes.push_back(pool[random() % pool.size()]);  // about half repeats
    check_same(streamed_sketch(hashes), sorted_sketch(hashes));
  }
}

TEST_CASE("the sketch is right when repeats crowd the least hashes (a few small ones said again and again)") {
  std::mt19937_64 random(8);
  std::vector<uint64_t> hashes;
  for (int i = 0; i < 2000; ++i) hashes.push_back(static_cast<uint64_t>(i % 12) << 40);  // 12 tiny hashes, repeated
  for (int i = 0; i < 300; ++i) hashes.push_back(random());
  std::shuffle(hashes.begin(), hashes.end(), random);
  const auto streamed = streamed_sketch(hashes);
  check_same(streamed, sorted_sketch(hashes));
  REQUIRE(streamed);
  CHECK(streamed->bottom_size == kFuzzyBottom);
}

TEST_CASE("fewer distinct hashes than kFuzzyMinShingles give no fingerprint, however often they repeat") {
  std::vector<uint64_t> hashes;
  for (int i = 0; i < 500; ++i) hashes.push_back(0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(i % (kFuzzyMinShingles - 1) + 1));
  CHECK_FALSE(streamed_sketch(hashes));
  hashes.push_back(42);
  CHECK(streamed_sketch(hashes));
}

TEST_CASE("the similarity a lookup computes is the full one at or above its threshold, and below it otherwise") {
  std::mt19937_64 random(7);
  size_t reached = 0, missed = 0;
  for (int pair = 0; pair < 400; ++pair) {
    // Two sets sharing a random part of their hashes, of random sizes (some under kFuzzyBottom).
    std::vector<uint64_t> a, b;
    const size_t shared = random() % 150, own_a = 5 + random() % 150, own_b = 5 + random() % 150;
    for (size_t i = 0; i < shared; ++i) a.push_back(random()), b.push_back(a.back());
    for (size_t i = 0; i < own_a; ++i) a.push_back(random());
    for (size_t i = 0; i < own_b; ++i) b.push_back(random());
    const auto fa = streamed_sketch(a), fb = streamed_sketch(b);
    REQUIRE(fa);
    REQUIRE(fb);
    const double full = fuzzy_similarity(*fa, *fb);
    for (const double threshold : {0.1, 0.3, 0.5, 0.9}) {
      CAPTURE(threshold);
      const double bounded = fuzzy_similarity_reaching(*fa, *fb, threshold);
      if (full >= threshold) {
        CHECK(bounded == full);
        ++reached;
      } else {
        CHECK(bounded < threshold);
        ++missed;
      }
    }
  }
  CHECK(reached > 100);  // both sides were tried
  CHECK(missed > 100);
}
