// FUZZY: the submission is a near-duplicate of a recent spam example (see
// scoring/fuzzy/fuzzy_memory.h); the hit names the example and quotes it.
#include <cmath>

#include "scoring/checks/check_functions.h"
#include "scoring/fuzzy/fuzzy_memory.h"

namespace spamgate::checks {

Finding fuzzy(const Submission& submission, const CheckContext& context) {
  if (!context.fuzzy) return std::nullopt;
  const std::optional<FuzzyMatch> found =
      context.fuzzy_fingerprint ? context.fuzzy->match(*context.fuzzy_fingerprint) : context.fuzzy->match(submission);
  if (!found) return std::nullopt;
  return "like #" + found->id + ": \"" + found->snippet + "\" (" +
         std::to_string(static_cast<int>(std::lround(found->similarity * 100))) + " % alike)";
}

}  // namespace spamgate::checks
