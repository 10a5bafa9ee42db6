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

HttpResponse Gateway::handle(HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  RequestLog log;
  log.id = new_request_id();
  log.ip = std::string(request.param("REMOTE_ADDR"));
  const EndpointsConfig& endpoints = services_.config->endpoints;
  const std::string& path = request.path;
  auto is = [&](const std::string& endpoint) { return !endpoint.empty() && path == endpoint; };
  auto under = [&](const std::string& prefix) {
    return is(prefix) || (!prefix.empty() && path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
                          path[prefix.size()] == '/');
  };

  HttpResponse response;
  if (is(endpoints.comment)) {
    log.endpoint = EndpointKind::comment;
    response = handle_comment(request, log);
  } else if (is(endpoints.contact)) {
    log.endpoint = EndpointKind::contact;
    response = handle_contact(request, log);
  } else if (is(endpoints.check)) {
    log.endpoint = EndpointKind::check;
    response = handle_check(request, log);
  } else if (is(endpoints.notify)) {
    log.endpoint = EndpointKind::notify;
    response = handle_notify(request, log);
  } else if (is(endpoints.feedback)) {
    log.endpoint = EndpointKind::feedback;
    response = handle_feedback(request, log);
  } else if (is(endpoints.stats)) {
    log.endpoint = EndpointKind::stats;
    response = handle_stats(request);
  } else if (is(endpoints.train)) {
    log.endpoint = EndpointKind::train;
    response = handle_train(request, log);
  } else if (is(endpoints.model)) {
    log.endpoint = EndpointKind::model;
    response = handle_model(request);
  } else if (under(endpoints.submissions)) {
    log.endpoint = EndpointKind::submissions;
    response = handle_submissions(request, log);
  } else if (under(endpoints.personal_data)) {
    log.endpoint = EndpointKind::personal_data;
    response = handle_personal_data(request, log);
  } else if (is(endpoints.health)) {
    log.endpoint = EndpointKind::health;
    response = handle_health();
  } else if (is(endpoints.metrics)) {
    log.endpoint = EndpointKind::metrics;
    response = HttpResponse::text(200, services_.metrics->render());
    response.headers[0].second = "text/plain; version=0.0.4; charset=utf-8";
  } else {
    response = HttpResponse::text(404, "spamgate has no endpoint at this path");
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
