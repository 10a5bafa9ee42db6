// Trial history: the stored submissions `spamgate rules try` scores again —
// every row of the retention window that still has its text (blocked ones
// within the review budget, passed ones within [review] keep_passed_days)
// and the owner's decisions of that window whose row has no text, each
// with the owner's latest decision. Reads only.
#pragma once

#include <cstdint>
#include <vector>

#include "scoring/rule_trial.h"
#include "store/feedback_log.h"
#include "store/submission_log.h"

namespace spamgate {

// The items for `rows` (with text, oldest first) and `labels` (the
// decisions in effect): a row takes the decision the feedback log holds for
// its id, else its own review decision; a decision made at or after `since`
// whose submission is not among the rows becomes an item of its own.
std::vector<TrialItem> trial_items(const std::vector<SubmissionRecord>& rows,
                                   const std::vector<FeedbackRecord>& labels, int64_t since);

// trial_items() over the store: the rows with text and the decisions
// created at or after `since`. Error: the store's.
Result<std::vector<TrialItem>> load_trial_items(SubmissionLog& log, FeedbackLog& feedback, int64_t since);

}  // namespace spamgate
