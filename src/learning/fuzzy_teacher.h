// Teaching FUZZY the owner's decisions: a spam mark becomes an example, a
// ham mark (or a rescue, or an approval) removes the examples near it and
// vetoes rejected submissions near it. Never spamgate's own verdicts: those
// reach FUZZY only as rejected submissions (http's Gateway::score).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scoring/fuzzy/fuzzy_memory.h"
#include "store/feedback_log.h"

namespace spamgate {

// The id a marked example is shown by: the spamgate submission's id, else
// the WordPress comment's, else "mark".
std::string fuzzy_example_id(const FeedbackRecord& decision);

// Teaches one decision.
void teach_fuzzy(FuzzyMemory& memory, const FeedbackRecord& decision);

// Teaches the decisions in effect, oldest first (at start-up); only the
// newest capacity() spam can stay, so only those are fingerprinted.
// Returns the examples held after.
size_t seed_fuzzy(FuzzyMemory& memory, const std::vector<FeedbackRecord>& decisions);

}  // namespace spamgate
