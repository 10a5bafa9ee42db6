#include "scoring/fuzzy/fuzzy_memory.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "scoring/fuzzy/fuzzy_hash.h"
#include "util/ascii.h"
#include "util/fnv1a.h"
#include "util/untrusted_text.h"

namespace spamgate {
namespace {

// 16 bands of 4 bins: two texts that agree on a share s of the bins share
// a bucket with probability 1 - (1 - s^4)^16 (s = 0.5: 64 %, 0.6: 88 %,
// 0.7: 98 %); each candidate's similarity is then estimated from the
// bottom-k sketches. Bounded work per lookup: at most kBands buckets of at
// most kBucketKeep entries, each compared once.
constexpr size_t kBandRows = 4;
constexpr size_t kBands = kFuzzyBins / kBandRows;
constexpr size_t kBucketKeep = 24;
// A new example this close to one already kept adds nothing.
constexpr double kSameExample = 0.9;
constexpr size_t kSnippetChars = 60;

uint64_t band_key(const FuzzyFingerprint& fp, size_t band) {
  uint64_t key = band + 1;
  for (size_t r = 0; r < kBandRows; ++r) key = fuzzy_mix(key ^ fp.bins[band * kBandRows + r]) + r;
  return key;
}

uint64_t person_of(std::string_view email) {
  if (email.empty()) return 0;
  return fnv1a(kFnv1aBasis, ascii_lowercase(email)) | 1;  // never 0, which stands for "no address"
}

}  // namespace

// One bounded ring of fingerprints with its LSH buckets. Not thread-safe:
// FuzzyMemory's mutex guards it.
class FuzzyShelf {
 public:
  explicit FuzzyShelf(size_t capacity) : slots_(capacity) { buckets_.reserve(capacity * kBands); }

  void insert(const FuzzyFingerprint& fp, std::string id, std::string snippet, uint64_t person, int64_t made_at) {
    if (slots_.empty()) return;
    const auto index = static_cast<uint32_t>(next_);
    next_ = (next_ + 1) % slots_.size();
    erase(index);
    Slot& slot = slots_[index];
    slot = Slot{fp, std::move(id), std::move(snippet), person, made_at, true};
    for (size_t band = 0; band < kBands; ++band) {
      std::vector<uint32_t>& bucket = buckets_[band_key(fp, band)];
      // A crowded bucket (a band that common words fill) keeps its newest
      // entries only: the example stays reachable through its other bands.
      if (bucket.size() >= kBucketKeep) bucket.erase(bucket.begin());
      bucket.push_back(index);
    }
    ++used_;
  }

  // The slots at or above `threshold`, each once, the closest first; with
  // `first_only`, the first one found (the request path needs one).
  std::vector<std::pair<double, uint32_t>> near(const FuzzyFingerprint& fp, double threshold,
                                                bool first_only = false) const {
    // Each candidate is compared once per lookup: a stamp per slot, per thread.
    thread_local std::vector<uint64_t> stamps;
    thread_local uint64_t lookup = 0;
    if (stamps.size() < slots_.size()) stamps.resize(slots_.size(), 0);
    ++lookup;
    std::vector<std::pair<double, uint32_t>> found;
    for (size_t band = 0; band < kBands; ++band) {
      const auto it = buckets_.find(band_key(fp, band));
      if (it == buckets_.end()) continue;
      for (const uint32_t index : it->second) {
        if (stamps[index] == lookup) continue;
        stamps[index] = lookup;
        const double similarity = fuzzy_similarity_reaching(fp, slots_[index].fp, threshold);
        if (similarity < threshold) continue;
        found.emplace_back(similarity, index);
        if (first_only) return found;
      }
    }
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    return found;
  }

  void erase(uint32_t index) {
    Slot& slot = slots_[index];
    if (!slot.used) return;
    for (size_t band = 0; band < kBands; ++band) {
      const auto it = buckets_.find(band_key(slot.fp, band));
      if (it == buckets_.end()) continue;
      std::erase(it->second, index);
      if (it->second.empty()) buckets_.erase(it);
    }
    slot = Slot{};
    --used_;
  }

  template <typename Pred>
  size_t erase_if(Pred pred) {
    size_t n = 0;
    for (uint32_t i = 0; i < slots_.size(); ++i)
      if (slots_[i].used && pred(slots_[i])) erase(i), ++n;
    return n;
  }

  struct Slot {
    FuzzyFingerprint fp{};
    std::string id, snippet;
    uint64_t person = 0;
    int64_t made_at = 0;  // unix seconds; 0 = unknown
    bool used = false;
  };
  const Slot& slot(uint32_t index) const { return slots_[index]; }
  size_t size() const { return used_; }

 private:
  std::vector<Slot> slots_;
  size_t next_ = 0;
  size_t used_ = 0;
  std::unordered_map<uint64_t, std::vector<uint32_t>> buckets_;
};

std::optional<FuzzyFingerprint> submission_fingerprint(const Submission& submission,
                                                       const std::vector<LinkSpan>* body_links) {
  if (submission.subject.empty()) return fuzzy_fingerprint(submission.body, submission.author, body_links);
  return fuzzy_fingerprint(submission.subject + "\n" + submission.body, submission.author);
}

bool rejection_teaches_fuzzy(const Verdict& verdict, double reject_threshold) {
  if (verdict.action != Action::reject && verdict.action != Action::discard) return false;
  double score = verdict.score;
  for (const Hit& hit : verdict.hits)
    if (hit.rule == "FUZZY") score -= hit.score;
  return score >= reject_threshold;
}

FuzzyMemory::FuzzyMemory(size_t capacity, double similarity)
    : capacity_(capacity),
      similarity_(similarity),
      spam_(std::make_unique<FuzzyShelf>(capacity)),
      ham_(std::make_unique<FuzzyShelf>(capacity)) {}

FuzzyMemory::~FuzzyMemory() = default;

const std::optional<FuzzyFingerprint>& LazyFingerprint::get() const {
  if (!computed_) {
    fingerprint_ = submission_fingerprint(submission_, body_links_);
    computed_ = true;
  }
  return fingerprint_;
}

bool FuzzyMemory::add_spam(const std::string& id, const Submission& submission, bool by_owner, int64_t made_at) {
  return add_spam(id, submission, LazyFingerprint(submission), by_owner, made_at);
}

bool FuzzyMemory::add_spam(const std::string& id, const Submission& submission, const LazyFingerprint& fingerprint,
                           bool by_owner, int64_t made_at) {
  if (capacity_ == 0) return false;
  const std::optional<FuzzyFingerprint>& fp = fingerprint.get();
  if (!fp) return false;
  std::unique_lock lock(mutex_);
  const auto vetoes = ham_->near(*fp, similarity_);
  if (!by_owner && !vetoes.empty()) return false;
  for (const auto& [similarity, index] : vetoes) ham_->erase(index);
  if (spam_->near(*fp, kSameExample, true).empty())  // a wave's copies keep its first example
    spam_->insert(*fp, quoted_untrusted(id, 64),
                  quoted_untrusted(submission.body.empty() ? submission.subject : submission.body, kSnippetChars),
                  person_of(submission.email), made_at);
  return true;
}

size_t FuzzyMemory::add_ham(const Submission& submission, int64_t made_at) {
  if (capacity_ == 0) return 0;
  const std::optional<FuzzyFingerprint> fp = submission_fingerprint(submission);
  if (!fp) return 0;
  std::unique_lock lock(mutex_);
  const auto examples = spam_->near(*fp, similarity_);
  for (const auto& [similarity, index] : examples) spam_->erase(index);
  ham_->insert(*fp, "", "", person_of(submission.email), made_at);
  return examples.size();
}

std::optional<FuzzyMatch> FuzzyMemory::match(const Submission& submission) const {
  return match(LazyFingerprint(submission));
}

std::optional<FuzzyMatch> FuzzyMemory::match(const LazyFingerprint& fingerprint) const {
  if (spam_examples() == 0) return std::nullopt;  // no fingerprint to compute
  const std::optional<FuzzyFingerprint>& fp = fingerprint.get();
  if (!fp) return std::nullopt;
  return match(*fp);
}

std::optional<FuzzyMatch> FuzzyMemory::match(const FuzzyFingerprint& fingerprint) const {
  std::shared_lock lock(mutex_);
  const auto found = spam_->near(fingerprint, similarity_, true);
  if (found.empty()) return std::nullopt;
  const FuzzyShelf::Slot& best = spam_->slot(found.front().second);
  return FuzzyMatch{best.id, found.front().first, best.snippet};
}

size_t FuzzyMemory::forget(std::string_view id) {
  std::unique_lock lock(mutex_);
  return spam_->erase_if([id](const FuzzyShelf::Slot& s) { return s.id == id; });
}

size_t FuzzyMemory::forget_email(std::string_view email, int64_t made_until) {
  const uint64_t person = person_of(email);
  if (person == 0) return 0;
  std::unique_lock lock(mutex_);
  const auto of_person = [person, made_until](const FuzzyShelf::Slot& s) {
    return s.person == person && s.made_at <= made_until;
  };
  return spam_->erase_if(of_person) + ham_->erase_if(of_person);
}

size_t FuzzyMemory::spam_examples() const {
  std::shared_lock lock(mutex_);
  return spam_->size();
}

size_t FuzzyMemory::ham_vetoes() const {
  std::shared_lock lock(mutex_);
  return ham_->size();
}

}  // namespace spamgate
