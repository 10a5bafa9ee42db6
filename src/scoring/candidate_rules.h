// Candidate rules: the rule set an owner is thinking of, built from the
// current rule files plus candidate files or pasted lines, for `rules try`.
// It only reads rule files and a private temporary file; it never changes
// the owner's files and never touches the live rule set.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/rule_set.h"

namespace spamgate {

struct CandidateLoad {
  std::shared_ptr<const RuleSet> current;    // the current files as they are
  std::shared_ptr<const RuleSet> candidate;  // current + candidate; null iff errors is non-empty
  // "file:line: message", as `rules lint` words them, located in the file
  // (or pasted text) where the line is.
  std::vector<std::string> errors;
  std::vector<std::string> replaced;  // current rules a candidate definition replaced, in file order
};

// The candidate set is the current files' lines followed by the candidate
// files' lines (includes expanded in place), except that a definition
// (regex, list, script, meta) whose name the candidate files define again
// is dropped: the candidate's definition replaces it. The current `score`
// and `describe` lines for that name still apply unless the candidate has
// its own, which come later and win (as thresholds do). Never throws.
CandidateLoad load_candidate_rules(const std::vector<std::string>& current_files,
                                   const std::vector<std::string>& candidate_files);

// The same with the candidate lines given as text (the HTTP endpoint and the
// WordPress box); errors name them `label`:LINE. `include` and `list` are
// refused in pasted text (they would read files on the server).
CandidateLoad load_candidate_text(const std::vector<std::string>& current_files, std::string_view text,
                                  const std::string& label);

}  // namespace spamgate
