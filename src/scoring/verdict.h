// Verdict: what the scorer decided about one Submission, and why.
// Rendered as text for the CLI and as JSON for the APIs and logs.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace spamgate {

enum class Action { pass, hold, reject, discard };

const char* action_name(Action action);

// One rule that matched: its name, the score it added, and a short detail
// (which field matched, what was found) safe to show to a site owner.
struct Hit {
  std::string rule;
  double score = 0;
  std::string detail;
};

struct Verdict {
  Action action = Action::pass;
  double score = 0;
  std::vector<Hit> hits;
  // Rules that failed while matching (e.g. Boost.Regex complexity limit),
  // as "RULE: reason". Such a rule counts as not matched; the request goes on.
  std::vector<std::string> rule_errors;

  // "PHARMA,LINKS_3" — the rule names, comma-separated, in hit order.
  std::string rule_names() const;
  // Multi-line human-readable form for `spamgate check`.
  std::string to_text() const;
};

// {"detail","rule","score"}
void to_json(nlohmann::json& out, const Hit& hit);
// {"action":"hold","hits":[Hit...],"score":6.5} and "rule_errors":[...] when
// a rule failed.
void to_json(nlohmann::json& out, const Verdict& verdict);

}  // namespace spamgate
