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

// The features of `submission`.
FeatureVector extract_features(const Submission& submission);

// The same features with a readable name each ("w:subscribe", "b:my channel",
// "g:scri", "h:bit.ly", ...), for explanations and `spamgate model`. Slower; not for
// the request path except to explain a hit.
struct NamedFeature {
  uint32_t slot;
  std::string name;
};
std::vector<NamedFeature> describe_features(const Submission& submission);
// The names of just these slots (the first name found for each), for
// explaining one verdict cheaply.
std::vector<NamedFeature> describe_slots(const Submission& submission, const std::vector<uint32_t>& slots);

// The registrable domain of a lower-case host name: the public suffix plus
// one label ("www.example.co.uk" -> "example.co.uk"), by libpsl's list; the
// host itself when it is an IP address or has no known suffix.
std::string registrable_domain(const std::string& host);

}  // namespace spamgate
