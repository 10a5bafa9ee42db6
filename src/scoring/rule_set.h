// RuleSet: the compiled, immutable form of the site owner's rule files plus
// the built-in checks. Loaded once, then shared read-only by every request
// thread (the server swaps whole sets on reload); it is never modified.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/compiled_rules.h"

namespace spamgate {

enum class RuleKind { builtin, links, regex, list, meta, learned, script };

// "builtin", "links", "regex", "list", "meta", "learned", "script".
const char* rule_kind_name(RuleKind kind);

// What the CLI and /spamgate/metrics show about one rule.
struct RuleInfo {
  std::string name;
  RuleKind kind = RuleKind::regex;
  double score = 1;
  std::string description;  // "" when the rule has no describe line and is not built-in
  std::string source;       // "file:line" of its definition, or "built-in"
};

class RuleSet {
 public:
  RuleSet(std::vector<RuleInfo> rules, CompiledRules compiled, std::vector<std::string> source_files);

  double hold_threshold() const { return compiled_.hold; }
  double reject_threshold() const { return compiled_.reject; }

  // Every rule: built-ins, LEARNED, then LINKS_N by N, then the files' rules in the
  // order they were defined. A rule's position is its index in Verdict order.
  const std::vector<RuleInfo>& rules() const { return rules_; }

  // The rule called `name`, or nullptr.
  const RuleInfo* find(std::string_view name) const;

  // Every file read to build this set (rule files, includes, lists), as
  // paths resolved against the directory of the file that named them.
  const std::vector<std::string>& source_files() const { return source_files_; }

  // The matching machinery, for the Scorer.
  const CompiledRules& compiled() const { return compiled_; }

 private:
  std::vector<RuleInfo> rules_;
  CompiledRules compiled_;
  std::vector<std::string> source_files_;
};

struct RuleLoad {
  std::shared_ptr<const RuleSet> rules;  // null iff errors is non-empty
  std::vector<std::string> errors;       // every error, "file:line: message", in file order
};

// Reads `files` in order (with their includes and lists) and compiles them
// with the built-in checks. Never throws; on any error, returns every error
// found (parsing goes on after one) and no rule set.
RuleLoad load_rules(const std::vector<std::string>& files);

}  // namespace spamgate
