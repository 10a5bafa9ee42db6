// Features: turns a Submission into the hashed features the learned model
// weighs: words and word pairs after NFKC case folding, character pairs for
// scripts written without spaces (Japanese, Chinese, Thai), character
// 4-grams of the spaced scripts (char_ngrams.h), link hosts and
// their registrable domains, links to the site's own host, the author and
// the e-mail domain, the kind, and a few shape buckets. Pure: no state, no
// I/O; any input (invalid UTF-8 included) gives some features, never a throw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "form/submission.h"
#include "scoring/text_fold.h"  // fold_text: the form features are cut from

namespace spamgate {

// The model's weights live in 2^kFeatureBits hashed slots.
constexpr uint32_t kFeatureBits = 18;
constexpr uint32_t kFeatureSlots = 1u << kFeatureBits;

// One present feature: its slot, and its value: 1/sqrt(number of distinct
// features of its family), the character n-grams one family and every other
// feature the other, so that long and short texts weigh alike and the
// n-grams, about one per character, do not drown the words.
struct Feature {
  uint32_t slot;
  float value;
};

// The distinct features of one submission, sorted by slot.
using FeatureVector = std::vector<Feature>;

// What one feature of each family is worth in a submission's vector: the
// character n-grams ('g') one family, every other feature the other.
struct FamilyValues {
  float words = 0;
  float grams = 0;
  float of(char kind) const { return kind == 'g' ? grams : words; }
};

// One feature as extract_features cut it: its family letter and its text
// (or the pair `a` `b`), as feature_name() spells it.
struct FeatureSighting {
  char kind;
  std::string_view a, b;
};

// One extraction, as a FeatureObserver is shown it: the vector returned,
// every feature as it was cut (in the order of the text, a feature as
// often as it occurs), and where each of the vector's features was first
// cut. The views die when walked() returns.
struct WalkedFeatures {
  const FeatureVector& features;
  const std::vector<FeatureSighting>& sightings;
  const std::vector<uint32_t>& first_sighting;  // features[i] was first cut as sightings[first_sighting[i]]
  FamilyValues values;
};

// Lets a caller name the features it cares about (an explanation) from
// the one walk over the text, once the vector is known.
class FeatureObserver {
 public:
  virtual ~FeatureObserver() = default;
  virtual void walked(const WalkedFeatures& walk) = 0;
  // The table, one entry per slot, that walked() will read (a model's
  // weights), or null: extract_features prefetches each feature's entry as
  // it cuts the feature, so that walked()'s reads find them in cache
  // instead of each waiting on memory.
  virtual const float* slot_table() const { return nullptr; }
};

// The features of `submission`; `observer`, when given, is shown them
// with their names before this returns.
FeatureVector extract_features(const Submission& submission, FeatureObserver* observer = nullptr);

// A feature's name as describe_features gives it: "w:subscribe", "b:my channel".
std::string feature_name(char kind, std::string_view a, std::string_view b = {});

// The same features with a readable name each ("w:subscribe", "b:my channel",
// "g:scri", "h:bit.ly", ...), the first name of each slot, sorted by slot,
// for `spamgate model`. Slower; not for the request path (an explanation
// names its few features through a FeatureObserver).
struct NamedFeature {
  uint32_t slot;
  std::string name;
};
std::vector<NamedFeature> describe_features(const Submission& submission);

// The registrable domain of a lower-case host name: the public suffix plus
// one label ("www.example.co.uk" -> "example.co.uk"), by libpsl's list; the
// host itself when it is an IP address or has no known suffix.
std::string registrable_domain(const std::string& host);

}  // namespace spamgate
