// The form-plugin routes and the fresh-token endpoint: a form submission is
// mapped by its route's row, scored like a contact message, kept when
// blocked, and either forwarded to PHP-FPM (pass, hold) or answered in the
// plugin's own format (reject, discard).
#include <nlohmann/json.hpp>

#include "form/form_fields.h"
#include "http/form_answers.h"
#include "http/gateway.h"
#include "http/handler_support.h"
#include "http/request_log.h"
#include "scoring/checks/form_token.h"
#include "util/clock.h"

namespace spamgate {
namespace {

// The value PHP's $_POST[name] would hold (the last one wins), or "".
std::string posted_value(const FormFields& fields, const std::string& name) {
  if (name.empty()) return {};
  for (auto it = fields.rbegin(); it != fields.rend(); ++it)
    if (php_field_name(it->first) == name) return it->second;
  return {};
}

Submission form_submission(const HttpRequest& request, const Route& route, FormFields fields,
                           const ChecksConfig& checks) {
  const FormSpec& spec = *route.form;
  Submission submission;
  submission.kind = SubmissionKind::form;
  submission.ip = std::string(request.param("REMOTE_ADDR"));
  submission.user_agent = std::string(request.header("User-Agent"));
  submission.referer = std::string(request.header("Referer"));
  submission.endpoint = request.path;
  submission.form_name = spec.name;
  // CF7 REST names the form in its path; the field says the same otherwise.
  submission.form_id = path_capture(route, request);
  if (submission.form_id.empty()) submission.form_id = posted_value(fields, spec.id_field);
  submission.form_container = posted_value(fields, spec.container_field);
  submission.raw_form = std::move(fields);
  map_form_fields(submission, spec.fields, spec.meta, {checks.token_field, checks.honeypot_field});
  return submission;
}

}  // namespace

HttpResponse Gateway::handle_form(const HttpRequest& request, const Route& route, LazyForm& form, RequestLog& log) {
  log.form = route.form->name;
  FormResult& decoded = form.decoded();
  if (!decoded.ok()) return form_error_response(decoded.error.http_status, decoded.error.reason, log);
  const Submission submission =
      form_submission(request, route, std::move(decoded.fields), services_.config->checks);
  const Verdict verdict = score(submission, true, log);
  record(submission, verdict, log, verdict.action != Action::pass);
  if (verdict.action == Action::pass || verdict.action == Action::hold)
    return forward(request, route.script, &verdict, log);

  const FormAnswerContext context{submission.form_id, posted_value(submission.raw_form, "_wpcf7_unit_tag"),
                                  discard_location(request)};
  if (verdict.action == Action::discard) return form_discard_answer(*route.form, context);
  return form_block_answer(*route.form, context);
}

HttpResponse Gateway::handle_token(const HttpRequest& request) {
  if (request.method != "GET") return HttpResponse::text(405, "GET a fresh form token");
  const ChecksConfig& checks = services_.config->checks;
  if (services_.shared_secret.empty() || checks.token_field.empty())
    return HttpResponse::text(404, "form tokens are off (no shared_secret or checks.token_field)");
  const nlohmann::json body = {
      {"field", checks.token_field},
      {"token", make_form_token(services_.shared_secret, unix_seconds(services_.clock->now()))},
      {"honeypot", checks.honeypot_field},
      {"max_age_seconds", checks.max_token_age_seconds}};
  HttpResponse response = HttpResponse::json(200, body);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace spamgate
