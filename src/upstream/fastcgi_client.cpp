#include "upstream/fastcgi_client.h"

#include <algorithm>

namespace spamgate {

namespace {

constexpr uint16_t kRequestId = 1;  // one request at a time per connection

UpstreamResponse failure(UpstreamError error, std::string reason, std::string errors = {}) {
  UpstreamResponse response;
  response.error = error;
  response.reason = std::move(reason);
  response.errors = std::move(errors);
  return response;
}

}  // namespace

int UpstreamResponse::gateway_status() const {
  switch (error) {
    case UpstreamError::none: return 200;
    case UpstreamError::timeout: return 504;
    case UpstreamError::unreachable:
    case UpstreamError::protocol: return 502;
  }
  return 502;
}

FastCgiClient::FastCgiClient(UpstreamConfig config)
    : config_(std::move(config)), address_(fcgi::parse_upstream_address(config_.address)) {}

size_t FastCgiClient::idle_connections() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

fcgi::Connection FastCgiClient::take_idle() {
  std::lock_guard lock(mutex_);
  while (!idle_.empty()) {
    fcgi::Connection connection = std::move(idle_.back());
    idle_.pop_back();
    if (connection.idle_and_open()) return connection;
  }
  return {};
}

void FastCgiClient::give_back(fcgi::Connection connection) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < static_cast<size_t>(std::max(config_.keepalive_connections, 0)))
    idle_.push_back(std::move(connection));
}

UpstreamResponse FastCgiClient::forward(const fcgi::Params& params, std::string_view body) {
  using std::chrono::milliseconds;
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(config_.response_timeout_ms);
  if (!address_) return failure(UpstreamError::unreachable, address_.error());
  const bool keep_conn = config_.keepalive_connections > 0;
  auto request = fcgi::encode_request(kRequestId, params, body, keep_conn);
  if (!request) return failure(UpstreamError::protocol, request.error());

  bool may_retry = true;
  while (true) {
    fcgi::Connection connection = may_retry ? take_idle() : fcgi::Connection{};
    const bool reused = connection.valid();
    if (!reused) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      const auto connect_timeout = std::min(milliseconds(config_.connect_timeout_ms), left);
      if (connect_timeout.count() <= 0)
        return failure(UpstreamError::timeout, "no time left to connect to " + config_.address);
      auto opened = fcgi::Connection::open(*address_, connect_timeout);
      if (!opened) return failure(UpstreamError::unreachable, opened.error());
      connection = std::move(*opened);
    }

    fcgi::ResponseParser parser(kRequestId);
    std::string reason;
    const auto outcome = connection.exchange(*request, parser, deadline, reason);
    switch (outcome) {
      case fcgi::Connection::Outcome::complete: {
        UpstreamResponse response;
        response.output = std::move(parser.output());
        response.errors = parser.errors();
        response.app_status = parser.app_status();
        if (keep_conn && connection.reusable()) give_back(std::move(connection));
        return response;
      }
      case fcgi::Connection::Outcome::closed_early:
        if (reused && may_retry) {  // stale pooled connection: PHP never saw the request (see header)
          may_retry = false;
          continue;
        }
        return failure(UpstreamError::protocol, reason + " before any response", parser.errors());
      case fcgi::Connection::Outcome::closed:
        return failure(UpstreamError::protocol, reason + " mid-response", parser.errors());
      case fcgi::Connection::Outcome::timeout:
        return failure(UpstreamError::timeout, reason, parser.errors());
      case fcgi::Connection::Outcome::protocol:
        return failure(UpstreamError::protocol, reason, parser.errors());
      case fcgi::Connection::Outcome::io_error:
        return failure(UpstreamError::unreachable, reason, parser.errors());
    }
  }
}

}  // namespace spamgate
