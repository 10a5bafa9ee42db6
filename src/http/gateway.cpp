#include "http/gateway.h"

#include <atomic>
#include <chrono>
#include <random>

#include "http/request_log.h"
#include "mail/notifier.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

int relayed_status(const std::string& cgi_output) {
  // CGI "Status: NNN" among the headers; 200 when PHP sent none.
  const size_t end = cgi_output.find("\r\n\r\n");
  const std::string_view headers(cgi_output.data(), end == std::string::npos ? cgi_output.size() : end);
  size_t pos = 0;
  while (pos < headers.size()) {
    size_t eol = headers.find('\n', pos);
    if (eol == std::string_view::npos) eol = headers.size();
    std::string_view line = headers.substr(pos, eol - pos);
    if (line.size() > 10 && (line.substr(0, 7) == "Status:" || line.substr(0, 7) == "status:"))
      return std::atoi(std::string(line.substr(7)).c_str());
    pos = eol + 1;
  }
  return 200;
}

}  // namespace

std::string new_request_id() {
  // The counter starts at a random point so that ids from a restart in the
  // same second, or from another node, do not repeat this process's.
  static std::atomic<uint32_t> counter{static_cast<uint32_t>(std::random_device{}())};
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch()).count();
  uint64_t value = static_cast<uint64_t>(seconds) << 32 | counter.fetch_add(1, std::memory_order_relaxed);
  static const char* hex = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) id[static_cast<size_t>(i)] = hex[value & 15];
  return id;
}

bool Gateway::authorized(const HttpRequest& request) const {
  if (services_.shared_secret.empty()) return false;
  const std::string_view header = request.param("HTTP_AUTHORIZATION");
  constexpr std::string_view prefix = "Bearer ";
  if (header.substr(0, prefix.size()) != prefix) return false;
  return check_shared_secret(header.substr(prefix.size()), services_.shared_secret);
}

HttpResponse Gateway::dispatch(const HttpRequest& request, const Route& route, LazyForm& form, RequestLog& log) {
  switch (route.kind) {
    case RouteKind::comment: return handle_comment(request, route, log);
    case RouteKind::contact: return handle_contact(request, log);
    case RouteKind::check: return handle_check(request, log);
    case RouteKind::token: return handle_token(request);
    case RouteKind::notify: return handle_notify(request, log);
    case RouteKind::feedback: return handle_feedback(request, log);
    case RouteKind::stats: return handle_stats(request);
    case RouteKind::train: return handle_train(request, log);
    case RouteKind::model: return handle_model(request);
    case RouteKind::submissions: return handle_submissions(request, log);
    case RouteKind::personal_data: return handle_personal_data(request, log);
    case RouteKind::rules_try: return handle_rules_try(request, log);
    case RouteKind::health: return handle_health();
    case RouteKind::metrics: {
      HttpResponse response = HttpResponse::text(200, services_.metrics->render());
      response.headers[0].second = "text/plain; version=0.0.4; charset=utf-8";
      return response;
    }
    case RouteKind::form: return handle_form(request, route, form, log);
    case RouteKind::not_found: break;
    case RouteKind::passthrough:
      if (request.body_too_large) return HttpResponse::text(413, "the request body is too large for spamgate to pass on");
      return forward(request, route.script, nullptr, log);
  }
  return HttpResponse::text(404, "spamgate has no endpoint at this path");
}

HttpResponse Gateway::handle(HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  RequestLog log;
  log.id = new_request_id();
  log.ip = std::string(request.param("REMOTE_ADDR"));

  LazyForm form(request, services_.config->limits);
  const Route* route = routes_.match(request, form);
  HttpResponse response;
  if (!route) {
    response = HttpResponse::text(404, "spamgate has no endpoint at this path");
  } else {
    log.endpoint = route->metric;
    const bool needs_secret = route->secret == SecretRule::required ||
                              (route->secret == SecretRule::when_configured && !services_.shared_secret.empty());
    if (needs_secret && !authorized(request))
      response = HttpResponse::text(401, "this endpoint needs Authorization: Bearer <shared secret>");
    else
      response = dispatch(request, *route, form, log);
  }

  log.status = response.relayed ? relayed_status(response.relayed_cgi_output) : response.status;
  if (log.outcome == Outcome::ok && log.status >= 400) log.outcome = log.status >= 500 ? Outcome::server_error : Outcome::client_error;
  const auto micros = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count());
  services_.metrics->record_request(log.endpoint, log.outcome, micros);
  log.write(micros);
  return response;
}

}  // namespace spamgate
