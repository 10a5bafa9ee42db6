// FcgiServer: the libfcgi accept loop. N worker threads each accept with
// FCGX_Accept_r, read the request body within the configured limit, call
// the handler, and write its answer. A handler's exception becomes a 500
// for that request only; the server never stops serving because of one,
// nor because of a failed accept, nor for a client that stops sending
// (every read and write on a connection times out after kClientTimeoutSeconds).
// Per request a worker wakes once (TCP connections are accepted when their
// first bytes are in) and, once the input is read to its end, closes the
// connection without libfcgi's wait for the web server to close first.
// Of the N threads at most cpu_threads accept and work at once (see
// CpuSlots); the others wait for a slot, or on a slow PHP-FPM, or serve a
// connection the web server keeps open (those are not capped).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "http/http_request.h"
#include "http/http_response.h"
#include "util/cpu_slots.h"
#include "util/result.h"

namespace spamgate {

// How long a worker waits for a client (web server) to send or take the
// next bytes before dropping the connection: a half-written FastCGI record
// holds one worker at most this long.
inline constexpr int kClientTimeoutSeconds = 10;

class FcgiServer {
 public:
  using Handler = std::function<HttpResponse(HttpRequest&)>;

  ~FcgiServer();

  // Opens the listening socket named by config.listen ("" = inherited fd 0).
  // On failure the error names the address and the system's reason.
  Status open(const ServerConfig& config);
  // Starts the worker threads; returns at once.
  void start(Handler handler, const LimitsConfig& limits);
  // Wakes every thread blocked in accept, lets requests in progress finish,
  // and joins the threads. Safe to call more than once.
  void stop();

 private:
  void worker_loop();

  int listen_fd_ = -1;
  bool owns_socket_ = false;
  std::string unix_path_;
  int threads_ = 1;
  std::unique_ptr<CpuSlots> slots_;
  Handler handler_;
  LimitsConfig limits_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
};

enum class BodyRead { complete, too_large, truncated };

// Reads a request body of `content_length` bytes (or until EOF when -1) from
// `read` into `out`, keeping at most `limit` bytes; the rest is read and
// discarded so the connection stays usable. Returns too_large when the body
// was longer than `limit`, truncated when `read` failed or hit EOF before
// `content_length` bytes (the client stopped sending), else complete.
BodyRead read_limited_body(const std::function<int(char*, int)>& read, int64_t content_length, int64_t limit,
                       std::string& out);

}  // namespace spamgate
