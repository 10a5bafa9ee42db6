#include "scoring/learn/explanation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace spamgate {

std::string readable_feature(const std::string& name) {
  if (name.size() < 2 || name[1] != ':') return name;
  const std::string value = name.substr(2);
  switch (name[0]) {
    case 'w': case 'b': case 'c': return "\"" + value + "\"";
    case 'g': return "letters \"" + value + "\"";
    case 'h': return "host " + value;
    case 'd': return "domain " + value;
    case 'u': return "website " + value;
    case 'a': return "author \"" + value + "\"";
    case 'e': return "e-mail domain " + value;
    case 'k': return "kind " + value;
    default: return value;
  }
}

// Each weight is read once (for the margin too), in a loop without branches, so that the
// cache misses overlap (behind a branch on the weight, each waits for the
// last); most features then fall short of the weakest kept at one
// comparison, and only the features kept at the end are named.
void LearnedExplainer::walked(const WalkedFeatures& walk) {
  struct Candidate {
    float strength;
    uint32_t sighting;  // where it was first cut: ties go to the earlier
    bool operator>(const Candidate& other) const {
      return strength != other.strength ? strength > other.strength : sighting < other.sighting;
    }
  };
  std::vector<float> parts(walk.features.size());
  double margin = 0;  // summed as LearnedModel sums it: the same probability
  for (size_t i = 0; i < parts.size(); ++i) {
    parts[i] = model_.weight(walk.features[i].slot) * walk.features[i].value;
    margin += parts[i];
  }
  margin_ = margin;
  std::vector<Candidate> spam, ham;
  spam.reserve(kKept + 1);
  ham.reserve(kKept + 1);
  for (size_t i = 0; i < parts.size(); ++i) {
    const float part = parts[i];
    if (part == 0) continue;
    std::vector<Candidate>& kept = part > 0 ? spam : ham;
    const Candidate candidate{std::abs(part), walk.first_sighting[i]};
    if (kept.size() == kKept && !(candidate > kept.back())) continue;
    kept.insert(std::find_if(kept.begin(), kept.end(), [&](const Candidate& c) { return candidate > c; }), candidate);
    if (kept.size() > kKept) kept.pop_back();
  }
  const auto name = [&walk](const std::vector<Candidate>& kept, std::vector<std::string>& names) {
    for (const Candidate& c : kept) {
      const FeatureSighting& seen = walk.sightings[c.sighting];
      names.push_back(feature_name(seen.kind, seen.a, seen.b));
    }
  };
  name(spam, toward_spam_);
  name(ham, toward_ham_);
}

std::string LearnedExplainer::explain(double probability) const {
  char head[32];
  std::snprintf(head, sizeof head, "p=%.2f", probability);
  std::string text = head;
  size_t shown = 0;
  for (const std::string& name : probability >= 0.5 ? toward_spam_ : toward_ham_) {
    if (name == "z:bias" || shown == 3) continue;
    text += shown++ == 0 ? ": " : ", ";
    text += readable_feature(name);
  }
  return text;
}

}  // namespace spamgate
