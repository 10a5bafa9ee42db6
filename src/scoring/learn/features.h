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

// Sees every feature as extract_features cuts it: in the order of the
// text, a feature as often as it occurs. Lets a caller name the features it
// cares about (an explanation) in the same walk over the text.
class FeatureObserver {
 public:
  virtual ~FeatureObserver() = default;
  // Feature `kind`:`a` (or the pair `kind`:`a` `b`) falls in `slot`; the
  // views stay valid until walked() returns. feature_name() spells it.
  virtual void seen(uint32_t slot, char kind, std::string_view a, std::string_view b) = 0;
  // Every feature has been seen, and each is worth `values` (a feature
  // both families hit, a hash collision, gets the sum in the vector); their
  // views expire when this returns.
  virtual void walked(const FamilyValues& values) = 0;
};

// The features of `submission`; `observer`, when given, sees each as it is cut.
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
