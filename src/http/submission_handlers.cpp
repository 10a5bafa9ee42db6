// The comment, contact and check endpoints: decode, score, record, act.
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "form/form_decoder.h"
#include "form/submission_builder.h"
#include "http/gateway.h"
#include "http/handler_support.h"
#include "http/pages.h"
#include "http/request_log.h"
#include "learning/learner.h"
#include "mail/notifier.h"
#include "scoring/fuzzy/fuzzy_memory.h"
#include "scoring/scorer.h"
#include "store/submission_log.h"
#include "store/submission_record.h"
#include "upstream/cgi_params.h"
#include "upstream/fastcgi_client.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

Outcome outcome_of(Action action) {
  switch (action) {
    case Action::pass: return Outcome::pass;
    case Action::hold: return Outcome::hold;
    case Action::reject: return Outcome::reject;
    case Action::discard: return Outcome::discard;
  }
  return Outcome::ok;
}

// Decodes the request body into a Submission of `kind`, or the 4xx answer.
std::variant<Submission, HttpResponse> read_submission(const HttpRequest& request, SubmissionKind kind,
                                                       const LimitsConfig& limits, RequestLog& log) {
  if (request.body_too_large)
    return form_error_response(413, "the request body is larger than " + std::to_string(limits.max_body_bytes) +
                                        " bytes", log);
  FormResult decoded = decode_form(request.content_type, request.body, limits);
  if (!decoded.ok()) return form_error_response(decoded.error.http_status, decoded.error.reason, log);
  ClientInfo client{std::string(request.param("REMOTE_ADDR")), std::string(request.header("User-Agent")),
                    std::string(request.header("Referer")), request.path};
  return build_submission(kind, std::move(decoded.fields), std::move(client));
}

}  // namespace

Verdict Gateway::score(const Submission& submission, bool stateful, RequestLog& log) {
  const std::shared_ptr<const RuleSet> rules = services_.rules->current();
  const std::shared_ptr<const LearnedModel> learned =
      services_.learner ? services_.learner->current() : std::shared_ptr<const LearnedModel>();
  const std::vector<LinkSpan> links = link_spans(submission.body);  // found once for every check
  const LazyFingerprint fingerprint(submission, &links);              // FUZZY's lookup and its lesson share one
  CheckContext context{services_.config->checks, services_.shared_secret, stateful ? services_.history : nullptr,
                       services_.clock->now(), learned.get(), services_.fuzzy};
  context.fuzzy_fingerprint = &fingerprint;
  context.body_links = &links;
  Verdict verdict = Scorer{}.score(*rules, submission, context);
  if (verdict.action == Action::reject && services_.config->actions.on_reject == RejectMode::discard)
    verdict.action = Action::discard;
  // A live submission the rules reject shows FUZZY the next copies of its wave.
  if (stateful && services_.fuzzy && services_.config->checks.fuzzy_from_rejects &&
      rejection_teaches_fuzzy(verdict, rules->reject_threshold()))
    services_.fuzzy->add_spam(log.id, submission, fingerprint, false, unix_seconds(context.now));
  std::vector<std::string> names;
  names.reserve(verdict.hits.size());
  for (const Hit& hit : verdict.hits) names.push_back(hit.rule);
  services_.metrics->record_rule_hits(names);
  for (size_t i = 0; i < verdict.rule_errors.size(); ++i) services_.metrics->record_rule_error();
  log.scored = true;
  log.score = verdict.score;
  log.rules = verdict.rule_names();
  log.outcome = outcome_of(verdict.action);
  return verdict;
}

void Gateway::record(const Submission& submission, const Verdict& verdict, const RequestLog& log, bool keep_content) {
  if (!services_.log) return;
  SubmissionRecord row = make_submission_record(log.id, submission, verdict, services_.clock->now());
  // What passed keeps its text for [review] keep_passed_days (rules try).
  if (verdict.action == Action::pass && services_.config->review.keep_passed_days > 0) keep_content = true;
  if (!keep_content) row.content.reset();
  else if (!row.content) row.content = submission_content_json(submission);
  services_.log->record(std::move(row));
}

HttpResponse Gateway::handle_comment(const HttpRequest& request, const Route& route, RequestLog& log) {
  if (request.method != "POST") return HttpResponse::text(405, "comments are posted with POST");
  auto read = read_submission(request, SubmissionKind::comment, services_.config->limits, log);
  if (auto* error = std::get_if<HttpResponse>(&read)) return std::move(*error);
  const Submission& submission = std::get<Submission>(read);
  const Verdict verdict = score(submission, true, log);
  record(submission, verdict, log, verdict.action != Action::pass);

  if (verdict.action == Action::reject) return HttpResponse::html(403, rejected_page());
  if (verdict.action == Action::discard) return HttpResponse::redirect(discard_location(request));

  return forward(request, route.script, &verdict, log);
}

HttpResponse Gateway::forward(const HttpRequest& request, const std::string& script, const Verdict* verdict,
                              RequestLog& log) {
  // Views into the request and the strings below, which outlive forward().
  // `script` is the route's (a configured path), never client-chosen text.
  const std::string root = fcgi::wordpress_root(*services_.config);
  const std::string script_path = root + script;
  fcgi::ParamViews params =
      fcgi::forwarded_cgi_params({request.params.begin(), request.params.end()}, root, script_path, 7);
  std::string score_text, learned;
  if (verdict) {
    score_text = format_number(verdict->score);
    params.emplace_back("SPAMGATE_VERDICT", action_name(verdict->action));
    params.emplace_back("SPAMGATE_SCORE", score_text);
    params.emplace_back("SPAMGATE_RULES", log.rules);
    for (const Hit& hit : verdict->hits)
      if (hit.rule == "LEARNED") learned = format_number(hit.score) + " " + hit.detail;
    if (!learned.empty()) params.emplace_back("SPAMGATE_LEARNED", learned);
    if (!log.form.empty()) params.emplace_back("SPAMGATE_FORM", log.form);
  } else {
    params.emplace_back("SPAMGATE_UNSCORED", "1");
  }
  params.emplace_back("SPAMGATE_ID", log.id);
  UpstreamResponse result = services_.upstream->forward(params, request.body);
  if (!result.ok()) {
    const int status = result.gateway_status();
    log.reason = result.reason;
    log.outcome = Outcome::server_error;
    return HttpResponse::html(status, upstream_error_page(status));
  }
  return HttpResponse::relay(std::move(result.output));
}

HttpResponse Gateway::handle_contact(const HttpRequest& request, RequestLog& log) {
  if (request.method != "POST") return HttpResponse::text(405, "the contact form is posted with POST");
  auto read = read_submission(request, SubmissionKind::contact, services_.config->limits, log);
  if (auto* error = std::get_if<HttpResponse>(&read)) return std::move(*error);
  const Submission& submission = std::get<Submission>(read);
  const Verdict verdict = score(submission, true, log);
  // Blocked messages are kept for review; passed ones are kept when there
  // is no mail to carry them.
  const bool mailed = verdict.action == Action::pass && services_.notifier;
  record(submission, verdict, log, !mailed);

  if (verdict.action == Action::reject) return HttpResponse::html(403, rejected_page());
  if (mailed) {
    auto queued = services_.notifier->queue_contact(submission, log.id);
    if (!queued.ok()) {
      log.reason = queued.reason;
      log.outcome = Outcome::server_error;
      return HttpResponse::html(503, bad_request_page(503, "your message could not be stored; please try again later"));
    }
  }
  const std::string& redirect = services_.config->actions.contact_success_redirect;
  if (!redirect.empty()) {
    HttpResponse response = HttpResponse::redirect(redirect);
    response.status = 303;
    return response;
  }
  return HttpResponse::html(200, contact_thanks_page());
}

HttpResponse Gateway::handle_check(const HttpRequest& request, RequestLog& log) {
  if (request.method != "POST") return HttpResponse::text(405, "POST a submission as JSON or a form");
  if (request.body_too_large) return form_error_response(413, "the request body is too large", log);
  Result<Submission> submission = submission_from_check_input(request.content_type, request.body,
                                                                services_.config->limits);
  if (!submission.ok()) return form_error_response(400, submission.error(), log);
  // A dry run: RATE_IP and DUPLICATE state is neither read nor changed.
  const Verdict verdict = score(*submission, false, log);
  return HttpResponse::json(200, nlohmann::json(verdict));
}

}  // namespace spamgate
