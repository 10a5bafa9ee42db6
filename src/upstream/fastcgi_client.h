// FastCgiClient: forwards one request to PHP-FPM and returns PHP's raw CGI
// output, reusing kept-alive connections. It never adds, drops or rewrites a
// param or a byte of PHP's output, and never waits without a deadline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/config.h"
#include "upstream/fcgi_connection.h"
#include "upstream/fcgi_records.h"

namespace spamgate {

enum class UpstreamError {
  none,
  unreachable,  // connect refused, no such socket, connect timed out: answer 502
  timeout,      // no complete response within response_timeout_ms: answer 504
  protocol,     // PHP-FPM broke the protocol, refused the request or hung up mid-response: answer 502
};

struct UpstreamResponse {
  UpstreamError error = UpstreamError::none;
  // FCGI_STDOUT exactly as PHP wrote it: CGI headers (Status, every
  // Set-Cookie, Location, ...), the blank line, the body. Empty on error.
  std::string output;
  // FCGI_STDERR text (PHP warnings, error_log()); what arrived, even on error.
  std::string errors;
  // One line saying what went wrong ("" when ok).
  std::string reason;
  // The script's exit status from END_REQUEST.
  uint32_t app_status = 0;

  bool ok() const { return error == UpstreamError::none; }
  // The HTTP status a gateway answers with for this failure: 504 for
  // timeout, 502 otherwise (and 200 when ok, though PHP's Status rules then).
  int gateway_status() const;
};

// Thread-safe: any number of threads may call forward() at once; each
// request uses its own connection.
//
// Connection reuse: with keepalive_connections = N > 0, at most N
// connections are kept, idle and in use together. A request takes the most
// recently used idle one, or opens one that is kept (FCGI_KEEP_CONN) while
// fewer than N are, else a one-shot connection that PHP-FPM closes after
// answering. A PHP-FPM worker serves one connection at a time and waits on
// a kept one, so at most N workers are ever tied to spamgate's kept
// connections and the others take one-shot connections and the site's own
// pages in turn: keep N at most half of pm.max_children. A connection idle
// for `idle_timeout` is closed (by a reaper thread, even when no request
// follows; within twice that time), so a burst of comments never keeps
// workers from the site's pages for long. A connection that saw any error,
// or left bytes after END_REQUEST, is closed.
//
// Retry, once, and only for a pooled connection: PHP-FPM closes an idle
// kept-alive connection when its worker reaches pm.max_requests, is reaped
// by pm ondemand, or PHP-FPM restarts. A closed idle connection is noticed
// before use (it is readable); if PHP-FPM closes it in the instant between
// that check and our write, the write fails or the first read sees EOF or a
// reset with no response byte at all. A worker closes a kept connection only
// between requests, without reading another one from it, so PHP never saw
// our request, and sending it again on a fresh connection runs a
// non-idempotent POST exactly once. A worker that did read the request
// always answers at least END_REQUEST (even after a PHP fatal error), so as
// soon as one response byte arrived nothing is retried. The one case that
// looks the same yet ran code is a worker killed by a signal mid-script
// before any output; that is a crash, rarer than the race it trades against.
// A fresh connection is never retried.
// How long an idle kept-alive connection to PHP-FPM stays open by default.
inline constexpr std::chrono::milliseconds kUpstreamIdleTimeout{2000};

class FastCgiClient {
 public:
  // Uses config.address, connect_timeout_ms, response_timeout_ms and
  // keepalive_connections. An address that does not parse makes every
  // forward() fail as unreachable with the parse error as reason.
  explicit FastCgiClient(UpstreamConfig config, std::chrono::milliseconds idle_timeout = kUpstreamIdleTimeout);
  FastCgiClient(const FastCgiClient&) = delete;
  FastCgiClient& operator=(const FastCgiClient&) = delete;
  ~FastCgiClient();

  // Sends one RESPONDER request with exactly `params` (in order; the caller
  // supplies SCRIPT_FILENAME, CONTENT_LENGTH, ...) and `body` as stdin.
  // Returns within response_timeout_ms (plus scheduling slack), connect
  // included: PHP's output, or the failure kind and reason.
  UpstreamResponse forward(const fcgi::ParamViews& params, std::string_view body);
  UpstreamResponse forward(const fcgi::Params& params, std::string_view body);

  // Idle connections currently pooled (for tests and metrics).
  size_t idle_connections() const;

 private:
  struct Idle {
    fcgi::Connection connection;
    std::chrono::steady_clock::time_point since;
  };

  // Pops the most recently used idle connection that is still open, or
  // returns an invalid Connection. The one returned keeps its kept slot.
  fcgi::Connection take_idle();
  // Puts a kept connection back as idle (it keeps its slot).
  void give_back(fcgi::Connection connection);
  // Takes a kept slot for a new connection: false when N are kept already.
  bool reserve_kept();
  void release_kept();
  // Closes idle connections as their idle_timeout passes, until destruction
  // (woken only by the destructor).
  void reap_idle();

  UpstreamConfig config_;
  Result<fcgi::UpstreamAddress> address_;
  std::chrono::milliseconds idle_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable reaper_wake_;
  bool stopping_ = false;
  std::vector<Idle> idle_;  // oldest first
  size_t kept_ = 0;         // kept connections, idle and in use: at most keepalive_connections
  std::thread reaper_;      // only with keepalive_connections > 0
};

}  // namespace spamgate
