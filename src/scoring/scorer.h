// Scorer: runs a RuleSet over one Submission and decides pass, hold or
// reject. It never throws and never fails a request: a rule that cannot
// finish (regex complexity limit) is noted in Verdict::rule_errors and
// counts as not matched. Holds no state; one Scorer may serve every thread.
#pragma once

#include "form/submission.h"
#include "scoring/checks/builtin_checks.h"
#include "scoring/rule_set.h"
#include "scoring/verdict.h"

namespace spamgate {

struct ScorerOptions {
  // Skip regexes whose required literals are absent (LiteralPrefilter).
  // Verdicts are the same either way; off only to compare or measure.
  bool literal_prefilter = true;
};

class Scorer {
 public:
  explicit Scorer(ScorerOptions options = {}) : options_(options) {}

  // Runs every rule: built-in checks (with the rule set's scores), LINKS_N,
  // regex rules on their field (`any`: author, email, url, subject, body),
  // lists, then metas. Rules scored 0 still count for metas but are not
  // reported as hits. Action: pass below the hold threshold, reject at or
  // above the reject threshold, hold in between. Hits are in RuleSet order.
  // The history (RATE_IP, DUPLICATE) is asked after the other checks and
  // rules; when those already reach the reject threshold and the rule set's
  // history_only_adds holds, it only records (SubmissionHistory::record):
  // the action is the same, and the two checks fire on what it knew at once.
  Verdict score(const RuleSet& rules, const Submission& submission, const CheckContext& context) const;

 private:
  ScorerOptions options_;
};

}  // namespace spamgate
