#include "scoring/fuzzy/shingle_sketch.h"

#include <bit>
#include <span>

#include "scoring/fuzzy/fuzzy_hash.h"

namespace spamgate {
namespace {

std::vector<uint64_t>& thread_hashes() {
  thread_local std::vector<uint64_t> hashes;
  return hashes;
}

// Sorts `values`, all at or below `limit` and spread evenly under it, in
// linear time: a counting pass into 256 buckets by the values' top bits
// (about one value each), then an insertion sort, which has only the
// values sharing a bucket to put right.
void sort_spread(std::span<uint64_t> values, uint64_t limit) {
  thread_local std::vector<uint64_t> scattered;
  if (scattered.size() < values.size()) scattered.resize(values.size());
  const int shift = std::max(0, static_cast<int>(std::bit_width(limit)) - 8);
  std::array<uint32_t, 257> bucket_start{};
  for (const uint64_t v : values) ++bucket_start[(v >> shift) + 1];
  for (size_t b = 1; b < bucket_start.size(); ++b) bucket_start[b] += bucket_start[b - 1];
  for (const uint64_t v : values) scattered[bucket_start[v >> shift]++] = v;
  for (size_t i = 0; i < values.size(); ++i) {
    const uint64_t v = scattered[i];
    size_t at = i;
    for (; at > 0 && values[at - 1] > v; --at) values[at] = values[at - 1];
    values[at] = v;
  }
}

// Writes the kFuzzyBottom least distinct of `hashes` to `least`, ascending,
// and returns how many it wrote (fewer when fewer are distinct). Only the
// hashes at or below a limit are sorted; the limit expects twice as many
// as needed there, and doubles in the rare text whose repeats leave too
// few distinct ones below it.
size_t least_distinct(std::span<const uint64_t> hashes, std::array<uint64_t, kFuzzyBottom>& least) {
  constexpr size_t kExpected = 2 * kFuzzyBottom;
  thread_local std::vector<uint64_t> below;
  if (below.size() < hashes.size()) below.resize(hashes.size());
  uint64_t limit = hashes.size() <= kExpected ? UINT64_MAX : UINT64_MAX / hashes.size() * kExpected;
  for (;;) {
    size_t count = 0;
    for (const uint64_t h : hashes) {  // without a branch: half the hashes pass, at random
      below[count] = h;
      count += h <= limit;
    }
    const std::span<uint64_t> kept(below.data(), count);
    sort_spread(kept, limit);
    const size_t distinct = static_cast<size_t>(std::unique(kept.begin(), kept.end()) - kept.begin());
    if (distinct >= kFuzzyBottom || limit == UINT64_MAX) {
      const size_t taken = std::min(distinct, kFuzzyBottom);
      std::copy_n(kept.begin(), taken, least.begin());
      return taken;
    }
    limit = limit > UINT64_MAX / 2 ? UINT64_MAX : limit * 2 + 1;
  }
}

}  // namespace

ShingleSketch::ShingleSketch() : hashes_(thread_hashes()) { bins_.fill(kEmpty); }

void ShingleSketch::grow() { hashes_.resize(std::max<size_t>(256, 2 * hashes_.size())); }

std::optional<FuzzyFingerprint> ShingleSketch::fingerprint() const {
  std::array<uint64_t, kFuzzyBottom> least;
  const size_t kept = least_distinct(std::span<const uint64_t>(hashes_.data(), count_), least);
  if (kept < kFuzzyMinShingles) return std::nullopt;
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
    out.bins[i] = static_cast<uint32_t>(fuzzy_mix(bins_[(i + step) % kFuzzyBins] + (static_cast<uint64_t>(step) << 32)));
  }
  out.bottom_size = static_cast<uint32_t>(kept);
  for (size_t i = 0; i < kept; ++i) out.bottom[i] = static_cast<uint32_t>(least[i] >> 32);
  return out;
}

}  // namespace spamgate
