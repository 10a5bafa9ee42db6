#include "http/fcgi_server.h"

#include <fcgiapp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/logfmt.h"

namespace spamgate {
namespace {

// Accepted sockets inherit these from the listening socket on Linux, so a
// client that stops mid-record makes libfcgi's read fail instead of blocking
// the worker; accept() itself then wakes up every interval, which the worker
// loop treats as "nothing yet".
void set_client_timeouts(int fd) {
  const timeval timeout{kClientTimeoutSeconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

// A TCP connection is handed to accept() only once the web server's first
// bytes have arrived (it sends the whole request at once), so a worker
// wakes once per request instead of once for the connection and once more
// for the data. On a unix socket the option does not exist and nothing changes.
void defer_accept_until_data(int fd) {
  const int seconds = kClientTimeoutSeconds;
  setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds);
}

// libfcgi closes a connection with a lingering close: shutdown, then wait
// up to 2 s for the web server to close its end and read whatever it still
// sends, so that unread input cannot make the kernel answer with a reset
// that loses the response. Once this request's input has been read to its
// end (the empty stdin record) nothing is left unread, and a plain close
// frees the worker at once: three system calls and a wait for the web
// server fewer per request. Call after the response is complete.
void close_plainly_when_input_ended(FCGX_Request& request) {
  if (FCGX_GetError(request.in) != 0) return;
  if (FCGX_HasSeenEOF(request.in) != EOF && FCGX_GetChar(request.in) != EOF) return;  // more than CONTENT_LENGTH
  if (FCGX_GetError(request.in) == 0) FCGX_Detach(&request);
}

}  // namespace

FcgiServer::~FcgiServer() { stop(); }

Status FcgiServer::open(const ServerConfig& config) {
  if (FCGX_Init() != 0) return Error{"FastCGI library initialisation failed"};
  threads_ = config.threads;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int cpu_threads = config.cpu_threads > 0 ? config.cpu_threads : 2 * cores;
  slots_ = std::make_unique<CpuSlots>(std::min(threads_, cpu_threads));
  if (config.listen.empty()) {
    listen_fd_ = 0;  // the socket a web server (mod_fcgid, spawn-fcgi) started us on
    set_client_timeouts(listen_fd_);
    defer_accept_until_data(listen_fd_);
    return {};
  }
  std::string address = config.listen;
  if (address.rfind("unix:", 0) == 0) {
    unix_path_ = address.substr(5);
    struct stat info{};
    if (lstat(unix_path_.c_str(), &info) == 0 && S_ISSOCK(info.st_mode)) unlink(unix_path_.c_str());
    address = unix_path_;
  } else if (address.find(':') == std::string::npos) {
    return Error{"server.listen: \"" + config.listen + "\" is neither host:port nor unix:/path"};
  }
  errno = 0;
  listen_fd_ = FCGX_OpenSocket(address.c_str(), config.listen_backlog);
  if (listen_fd_ < 0) {
    return Error{"cannot listen on " + config.listen + ": " + (errno ? std::strerror(errno) : "invalid address")};
  }
  owns_socket_ = true;
  set_client_timeouts(listen_fd_);
  defer_accept_until_data(listen_fd_);
  if (!unix_path_.empty()) chmod(unix_path_.c_str(), static_cast<mode_t>(std::stoul(config.socket_mode, nullptr, 8)));
  return {};
}

void FcgiServer::start(Handler handler, const LimitsConfig& limits) {
  handler_ = std::move(handler);
  limits_ = limits;
  for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { worker_loop(); });
}

void FcgiServer::stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) shutdown(listen_fd_, SHUT_RDWR);  // wakes threads blocked in accept()
  if (slots_) slots_->open_all(threads_);                  // and those waiting for a slot
  for (auto& worker : workers_) worker.join();
  workers_.clear();
  if (owns_socket_) close(listen_fd_);
  if (!unix_path_.empty()) unlink(unix_path_.c_str());
}

BodyRead read_limited_body(const std::function<int(char*, int)>& read, int64_t content_length, int64_t limit,
                           std::string& out) {
  char buffer[16384];
  int64_t total = 0;
  const bool known_length = content_length >= 0;
  if (known_length && content_length <= limit) out.reserve(static_cast<size_t>(content_length));
  while (!known_length || total < content_length) {
    int want = static_cast<int>(sizeof buffer);
    if (known_length) want = static_cast<int>(std::min<int64_t>(want, content_length - total));
    const int got = read(buffer, want);
    if (got <= 0) {
      if (known_length) return BodyRead::truncated;
      break;
    }
    if (total + got <= limit) out.append(buffer, static_cast<size_t>(got));
    total += got;
  }
  return total <= limit ? BodyRead::complete : BodyRead::too_large;
}

void FcgiServer::worker_loop() {
  FCGX_Request request;
  FCGX_InitRequest(&request, listen_fd_, 0);
  while (!stopping_.load()) {
    // A thread accepting new connections holds a slot from one request to
    // the next, and gives it back when PHP-FPM keeps it waiting. A thread
    // bound to a connection the web server keeps (fastcgi_keep_conn) waits
    // for that connection's next request, which may be long in coming, and
    // serves it without a slot: the slot holders may all be waiting in
    // accept() meanwhile.
    if (request.ipcFd >= 0) slots_->give_back();
    else slots_->take();
    if (stopping_.load()) break;
    if (const int accepted = FCGX_Accept_r(&request); accepted != 0) {
      // A timeout (nobody connected) or a transient failure such as EMFILE:
      // keep serving. Only stop() ends the loop.
      if (stopping_.load()) break;
      if (accepted != -EAGAIN && accepted != -EWOULDBLOCK && accepted != -EINTR) {
        LogLine("warn").add("msg", "accept failed").add("error", std::strerror(-accepted)).write();
        usleep(100'000);
      }
      continue;
    }
    if (const int error = FCGX_GetError(request.in); error != 0) {
      // libfcgi ends the params at a read error (timeout, reset) as if they
      // were complete; such a request is cut short and is never handled.
      LogLine("warn").add("msg", "incomplete FastCGI request dropped")
          .add("error", error > 0 ? std::strerror(error) : "FastCGI protocol error").write();
      FCGX_Finish_r(&request);
      continue;
    }
    HttpRequest http_request = request_from_environment(request.envp);
    const std::string_view length_text = http_request.param("CONTENT_LENGTH");
    int64_t content_length = -1;
    if (!length_text.empty()) content_length = std::strtoll(std::string(length_text).c_str(), nullptr, 10);
    const BodyRead body = read_limited_body(
        [&](char* buffer, int n) { return FCGX_GetStr(buffer, n, request.in); }, content_length,
        limits_.max_body_bytes, http_request.body);
    http_request.body_too_large = body == BodyRead::too_large;

    HttpResponse response;
    if (body == BodyRead::truncated || FCGX_GetError(request.in) != 0) {
      LogLine("warn").add("msg", "request body ended before CONTENT_LENGTH").add("path", http_request.path).write();
      response = HttpResponse::text(400, "the request body ended before CONTENT_LENGTH bytes arrived");
    } else {
      try {
        response = handler_(http_request);
      } catch (const std::exception& e) {
        LogLine("error").add("msg", "request handler failed").add("error", e.what()).write();
        response = HttpResponse::text(500, "internal error");
      }
    }
    const std::string head = response.cgi_head();
    const std::string& body_out = response.cgi_body();
    FCGX_PutStr(head.data(), static_cast<int>(head.size()), request.out);
    FCGX_PutStr(body_out.data(), static_cast<int>(body_out.size()), request.out);
    close_plainly_when_input_ended(request);
    FCGX_Finish_r(&request);
  }
  slots_->give_back();
  FCGX_Free(&request, 1);
}

}  // namespace spamgate
