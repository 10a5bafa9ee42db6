// POST /spamgate/rules/try (shared secret): the WordPress plugin's "Try
// rules" box. Scores the stored history with the current rule files and
// with those plus the posted lines, and answers the difference as JSON.
// Nothing changes: the live rule set and the rule files stay as they are.
#include <nlohmann/json.hpp>

#include "http/gateway.h"
#include "http/request_log.h"
#include "scoring/candidate_rules.h"
#include "store/feedback_log.h"
#include "store/submission_log.h"
#include "store/trial_history.h"
#include "util/json_text.h"

namespace spamgate {

HttpResponse Gateway::handle_rules_try(const HttpRequest& request, RequestLog& log) {
  if (request.method != "POST") return HttpResponse::text(405, "POST the candidate rule lines as JSON");
  if (request.body_too_large) return HttpResponse::text(413, "the request body is too large");
  if (!services_.log || !services_.feedback) return HttpResponse::text(503, "the store is not open");
  Result<nlohmann::ordered_json> parsed = parse_json_body(request.body);
  if (!parsed) return HttpResponse::text(400, parsed.error());
  const nlohmann::ordered_json& body = *parsed;
  if (!body.is_object() || !body.contains("rules") || !body["rules"].is_string())
    return HttpResponse::text(400, "the body must be a JSON object with \"rules\": the candidate rule lines as one string");
  const std::string lines = body["rules"].get<std::string>();
  if (lines.find_first_not_of(" \t\r\n") == std::string::npos)
    return HttpResponse::text(400, "\"rules\" holds no rule line");

  const Config& config = *services_.config;
  std::vector<std::string> current;
  for (const std::string& file : config.rules.files) current.push_back(config.resolve(file));
  CandidateLoad rules = load_candidate_text(current, lines, "candidate");
  if (!rules.candidate) {
    log.reason = rules.errors.empty() ? "" : rules.errors.front();
    nlohmann::json answer = {{"error", "the candidate rules do not load"}, {"errors", rules.errors}};
    return HttpResponse::json(400, answer);
  }
  const int64_t since = unix_seconds(services_.clock->now()) - int64_t{config.store.retention_days} * 86400;
  Result<std::vector<TrialItem>> items = load_trial_items(*services_.log, *services_.feedback, since);
  if (!items) {
    log.reason = items.error();
    return HttpResponse::text(503, "the stored history cannot be read right now");
  }
  TrialReport report = run_rule_trial(*rules.current, *rules.candidate, *items, config.checks);
  report.since = since;
  report.replaced = rules.replaced;
  return HttpResponse::json(200, nlohmann::json(report));
}

}  // namespace spamgate
