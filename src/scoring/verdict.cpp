#include "scoring/verdict.h"

#include <nlohmann/json.hpp>
#include <sstream>

namespace spamgate {

const char* action_name(Action action) {
  switch (action) {
    case Action::pass: return "pass";
    case Action::hold: return "hold";
    case Action::reject: return "reject";
    case Action::discard: return "discard";
  }
  return "pass";
}

std::string Verdict::rule_names() const {
  std::string names;
  for (const Hit& hit : hits) {
    if (!names.empty()) names += ',';
    names += hit.rule;
  }
  return names;
}

void to_json(nlohmann::json& out, const Hit& hit) {
  out = {{"rule", hit.rule}, {"score", hit.score}, {"detail", hit.detail}};
}

void to_json(nlohmann::json& out, const Verdict& verdict) {
  out = {{"action", action_name(verdict.action)}, {"score", verdict.score}, {"hits", verdict.hits}};
  if (!verdict.rule_errors.empty()) out["rule_errors"] = verdict.rule_errors;
}

std::string Verdict::to_text() const {
  std::ostringstream out;
  out << "action: " << action_name(action) << "\nscore:  " << score << "\n";
  for (const Hit& hit : hits) out << "  " << hit.rule << "  " << hit.score << "  " << hit.detail << "\n";
  for (const std::string& error : rule_errors) out << "  rule error: " << error << "\n";
  return out.str();
}

}  // namespace spamgate
