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

FastCgiClient::FastCgiClient(UpstreamConfig config, std::chrono::milliseconds idle_timeout)
    : config_(std::move(config)),
      address_(fcgi::parse_upstream_address(config_.address)),
      idle_timeout_(std::max(idle_timeout, std::chrono::milliseconds(1))) {
  if (config_.keepalive_connections > 0) reaper_ = std::thread([this] { reap_idle(); });
}

FastCgiClient::~FastCgiClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  reaper_wake_.notify_one();
  if (reaper_.joinable()) reaper_.join();
}

size_t FastCgiClient::idle_connections() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

fcgi::Connection FastCgiClient::take_idle() {
  for (;;) {
    fcgi::Connection connection;
    {
      std::lock_guard lock(mutex_);
      if (idle_.empty()) return {};
      connection = std::move(idle_.back().connection);
      idle_.pop_back();
    }
    if (connection.idle_and_open()) return connection;  // checked outside the lock: it is a poll()
    release_kept();  // PHP-FPM closed it
  }
}

void FastCgiClient::give_back(fcgi::Connection connection) {
  std::lock_guard lock(mutex_);
  idle_.push_back({std::move(connection), std::chrono::steady_clock::now()});
}

bool FastCgiClient::reserve_kept() {
  std::lock_guard lock(mutex_);
  if (kept_ >= static_cast<size_t>(std::max(config_.keepalive_connections, 0))) return false;
  ++kept_;
  return true;
}

void FastCgiClient::release_kept() {
  std::lock_guard lock(mutex_);
  --kept_;
}

// Never woken by a request (that would cost every request a wakeup): while
// nothing is idle it looks again every idle_timeout, so a connection is
// closed between one and two idle_timeouts after its last use.
void FastCgiClient::reap_idle() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (idle_.empty()) {
      reaper_wake_.wait_for(lock, idle_timeout_);
      continue;
    }
    const auto now = std::chrono::steady_clock::now();
    const auto expired = std::find_if(idle_.begin(), idle_.end(), [&](const Idle& idle) {
      return now - idle.since < idle_timeout_;
    });
    std::vector<Idle> closing(std::make_move_iterator(idle_.begin()), std::make_move_iterator(expired));
    idle_.erase(idle_.begin(), expired);
    kept_ -= closing.size();
    if (!closing.empty()) {
      lock.unlock();
      closing.clear();  // closes the sockets outside the lock
      lock.lock();
      continue;
    }
    reaper_wake_.wait_until(lock, idle_.front().since + idle_timeout_);
  }
}

UpstreamResponse FastCgiClient::forward(const fcgi::Params& params, std::string_view body) {
  return forward(fcgi::ParamViews(params.begin(), params.end()), body);
}

UpstreamResponse FastCgiClient::forward(const fcgi::ParamViews& params, std::string_view body) {
  using std::chrono::milliseconds;
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(config_.response_timeout_ms);
  if (!address_) return failure(UpstreamError::unreachable, address_.error());
  auto request = fcgi::encode_request(kRequestId, params, body, false);
  if (!request) return failure(UpstreamError::protocol, request.error());

  // A kept slot, held from taking an idle connection or reserving one for
  // a new connection until the connection is idle again or closed.
  struct KeptSlot {
    FastCgiClient& client;
    bool held = false;
    ~KeptSlot() {
      if (held) client.release_kept();
    }
  };
  bool may_retry = true;
  while (true) {
    fcgi::Connection connection = may_retry ? take_idle() : fcgi::Connection{};
    const bool reused = connection.valid();
    KeptSlot slot{*this, reused || reserve_kept()};
    fcgi::set_keep_conn(*request, slot.held);
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
        if (slot.held && connection.reusable()) {
          give_back(std::move(connection));
          slot.held = false;  // the idle connection keeps it
        }
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
