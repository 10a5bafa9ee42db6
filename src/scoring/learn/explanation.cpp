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

void LearnedExplainer::seen(uint32_t slot, char kind, std::string_view a, std::string_view b) {
  if (sightings_.empty()) sightings_.reserve(512);
  sightings_.push_back({slot, kind, a, b});
}

// The weights are read in one tight loop, so that their cache misses
// overlap (read one feature at a time, each waited for the last); most
// features then fall short of the weakest kept at one comparison, and only
// the features kept at the end are named.
void LearnedExplainer::walked(const FamilyValues& values) {
  std::vector<float> weights(sightings_.size());
  for (size_t i = 0; i < sightings_.size(); ++i) weights[i] = model_.weight(sightings_[i].slot);
  struct Candidate {
    uint32_t slot;
    float strength;
    size_t sighting;
  };
  std::vector<Candidate> spam, ham;
  for (size_t i = 0; i < sightings_.size(); ++i) {
    if (weights[i] == 0) continue;
    std::vector<Candidate>& kept = weights[i] > 0 ? spam : ham;
    const float strength = std::abs(weights[i]) * values.of(sightings_[i].kind);
    if (kept.size() == kKept && strength <= kept.back().strength) continue;
    const uint32_t slot = sightings_[i].slot;
    if (std::any_of(kept.begin(), kept.end(), [slot](const Candidate& c) { return c.slot == slot; })) continue;
    const auto at = std::find_if(kept.begin(), kept.end(), [&](const Candidate& c) { return c.strength < strength; });
    kept.insert(at, {slot, strength, i});
    if (kept.size() > kKept) kept.pop_back();
  }
  const auto name = [this](const std::vector<Candidate>& kept, std::vector<std::string>& names) {
    for (const Candidate& c : kept) {
      const Sighting& seen = sightings_[c.sighting];
      names.push_back(feature_name(seen.kind, seen.a, seen.b));
    }
  };
  name(spam, toward_spam_);
  name(ham, toward_ham_);
  sightings_.clear();
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
