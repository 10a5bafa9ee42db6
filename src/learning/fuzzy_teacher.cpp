#include "learning/fuzzy_teacher.h"

#include "learning/learner.h"

namespace spamgate {

std::string fuzzy_example_id(const FeedbackRecord& decision) {
  if (!decision.submission_id.empty()) return decision.submission_id;
  if (decision.comment_id) return std::to_string(*decision.comment_id);
  return "mark";
}

void teach_fuzzy(FuzzyMemory& memory, const FeedbackRecord& decision) {
  if (decision.is_spam()) memory.add_spam(fuzzy_example_id(decision), decision.submission(), true, decision.created_at);
  else memory.add_ham(decision.submission(), decision.created_at);
}

size_t seed_fuzzy(FuzzyMemory& memory, const std::vector<FeedbackRecord>& decisions) {
  // Ham vetoes only matter against the spam that stays; spam older than
  // the newest capacity() would be pushed out anyway.
  size_t spam_left = memory.capacity();
  size_t first = decisions.size();
  while (first > 0 && spam_left > 0) {
    --first;
    if (decisions[first].is_spam()) --spam_left;
  }
  for (size_t i = first; i < decisions.size(); ++i) teach_fuzzy(memory, decisions[i]);
  return memory.spam_examples();
}

}  // namespace spamgate
