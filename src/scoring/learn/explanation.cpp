#include "scoring/learn/explanation.h"

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

std::string explain_learned(const LearnedModel& model, const Submission& submission, const FeatureVector& features,
                            double probability) {
  char head[32];
  std::snprintf(head, sizeof head, "p=%.2f", probability);
  std::string text = head;
  const std::vector<Contribution> strongest = model.strongest(features, probability >= 0.5, 4);
  if (strongest.empty()) return text;
  std::vector<uint32_t> slots;
  for (const Contribution& part : strongest) slots.push_back(part.slot);
  const std::vector<NamedFeature> names = describe_slots(submission, slots);
  size_t shown = 0;
  for (const Contribution& part : strongest) {
    for (const NamedFeature& named : names) {
      if (named.slot != part.slot || named.name == "z:bias" || shown == 3) continue;
      text += shown++ == 0 ? ": " : ", ";
      text += readable_feature(named.name);
      break;
    }
  }
  return text;
}

}  // namespace spamgate
