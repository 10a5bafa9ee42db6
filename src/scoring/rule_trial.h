// Rule trial: what a candidate rule set would have done to stored
// submissions, compared with the current set. Pure: it scores what it is
// given (the store gathers the history) and changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "config/config.h"
#include "form/submission.h"
#include "scoring/rule_set.h"
#include "scoring/verdict.h"

namespace spamgate {

// One stored submission to score again.
struct TrialItem {
  std::string id;          // the submission id, or "feedback:N" for a decision with no kept row
  int64_t created_at = 0;  // unix seconds
  Submission submission;
  // The hits recorded when it was scored. The checks that depend on that
  // moment (RATE_IP, DUPLICATE, TOO_FAST, NO_TOKEN, HONEYPOT on a comment,
  // LEARNED) are taken from here, not run again. Empty for feedback items.
  std::vector<Hit> recorded_hits;
  std::optional<Action> recorded_action;  // what happened then; nullopt for feedback items
  std::optional<bool> owner_says_spam;    // the owner's decision: true spam, false not spam
};

// One submission whose outcome the candidate changes.
struct TrialExample {
  std::string id;
  int64_t created_at = 0;
  std::string kind;                     // "comment" | "contact" | "form"
  Action before = Action::pass, after = Action::pass;
  std::optional<bool> owner_says_spam;
  std::string text;                     // author and body, one line, cut, made safe to show
};

// The submissions one rule made the difference for.
struct RuleDifference {
  std::string rule;                // a rule name, or "(thresholds)" when no rule's hit changed
  int64_t newly_blocked = 0;       // pass -> hold or reject
  int64_t newly_blocked_ham = 0;   // ... the owner marked not spam
  int64_t newly_passed = 0;        // hold or reject -> pass
  int64_t newly_passed_spam = 0;   // ... the owner marked spam
  std::vector<TrialExample> examples;  // the newest first, at most TrialOptions::examples
};

struct TrialReport {
  int64_t scored = 0;             // submissions scored with both sets
  int64_t labelled = 0;           // ... of them with the owner's decision
  int64_t newly_blocked = 0, newly_blocked_ham = 0;
  int64_t newly_passed = 0, newly_passed_spam = 0;
  int64_t hold_to_reject = 0, reject_to_hold = 0;  // still blocked, another action
  // Scored again with the current rules, this many came out other than they
  // did then (the rules changed since, or the text kept is not all of it).
  int64_t differ_from_recorded = 0;
  std::vector<RuleDifference> rules;  // most changes first
  std::vector<std::string> replaced;  // current rules the candidate replaced (filled by the caller)
  int64_t since = 0;                  // the history's start (unix seconds; filled by the caller)

  // A few lines for the terminal.
  std::string to_text() const;
};

// {"scored","labelled","newly_blocked":{"count","marked_not_spam"},"newly_passed":{"count","marked_spam"},
//  "hold_to_reject","reject_to_hold","differ_from_recorded","since","replaced":[...],
//  "rules":[{"rule","newly_blocked","newly_blocked_not_spam","newly_passed","newly_passed_spam",
//            "examples":[{"id","created_at","kind","before","after","owner","text"}]}]}
// — what POST /spamgate/rules/try answers and `spamgate rules try --json` prints.
void to_json(nlohmann::json& out, const TrialReport& report);
void to_json(nlohmann::json& out, const RuleDifference& difference);
void to_json(nlohmann::json& out, const TrialExample& example);

struct TrialOptions {
  size_t examples = 3;        // per rule
  size_t example_chars = 80;  // characters of text per example
};

// Scores every item with `current` and `candidate` under the same replayed
// checks and reports the difference. Never throws for bad text (the Scorer
// does not); a rule that errors counts as not matched, as when serving.
TrialReport run_rule_trial(const RuleSet& current, const RuleSet& candidate, const std::vector<TrialItem>& items,
                           const ChecksConfig& checks, const TrialOptions& options = {});

}  // namespace spamgate
