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

std::string Verdict::to_json() const {
  nlohmann::json hits_json = nlohmann::json::array();
  for (const Hit& hit : hits)
    hits_json.push_back({{"rule", hit.rule}, {"score", hit.score}, {"detail", hit.detail}});
  nlohmann::json out = {{"action", action_name(action)}, {"score", score}, {"hits", hits_json}};
  if (!rule_errors.empty()) out["rule_errors"] = rule_errors;
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Verdict::to_text() const {
  std::ostringstream out;
  out << "action: " << action_name(action) << "\nscore:  " << score << "\n";
  for (const Hit& hit : hits) out << "  " << hit.rule << "  " << hit.score << "  " << hit.detail << "\n";
  for (const std::string& error : rule_errors) out << "  rule error: " << error << "\n";
  return out.str();
}

}  // namespace spamgate
