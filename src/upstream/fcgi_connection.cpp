#include "upstream/fcgi_connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/cpu_slots.h"

namespace spamgate::fcgi {

namespace {

int millis_until(Deadline deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return 0;
  return left.count() > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(left.count());
}

std::string errno_text(int error) { return std::strerror(error); }

}  // namespace

Result<UpstreamAddress> parse_upstream_address(const std::string& address) {
  UpstreamAddress result;
  result.text = address;
  if (address.rfind("unix:", 0) == 0) {
    const std::string path = address.substr(5);
    sockaddr_un un{};
    if (path.empty() || path.size() >= sizeof un.sun_path)
      return Error{"upstream address '" + address + "': unix socket path empty or too long"};
    un.sun_family = AF_UNIX;
    std::memcpy(un.sun_path, path.c_str(), path.size() + 1);
    std::memcpy(&result.storage, &un, sizeof un);
    result.length = sizeof un;
    return result;
  }
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size())
    return Error{"upstream address '" + address + "': expected host:port or unix:/path"};
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr)
    return Error{"upstream address '" + address + "': " + gai_strerror(rc)};
  std::memcpy(&result.storage, found->ai_addr, found->ai_addrlen);
  result.length = found->ai_addrlen;
  freeaddrinfo(found);
  return result;
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    reusable_ = other.reusable_;
    other.fd_ = -1;
  }
  return *this;
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

Result<Connection> Connection::open(const UpstreamAddress& address, std::chrono::milliseconds timeout) {
  const int family = address.storage.ss_family;
  Connection connection(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!connection.valid()) return Error{"socket: " + errno_text(errno)};
  if (family != AF_UNIX) {
    const int one = 1;
    setsockopt(connection.fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  const auto* target = reinterpret_cast<const sockaddr*>(&address.storage);
  if (::connect(connection.fd_, target, address.length) == 0) return connection;
  if (errno != EINPROGRESS)
    return Error{"connect to " + address.text + ": " + errno_text(errno)};
  pollfd poll_fd{connection.fd_, POLLOUT, 0};
  int ready;
  const Deadline deadline = std::chrono::steady_clock::now() + timeout;
  do {
    ready = ::poll(&poll_fd, 1, millis_until(deadline));
  } while (ready < 0 && errno == EINTR);
  if (ready == 0) return Error{"connect to " + address.text + ": timed out"};
  if (ready < 0) return Error{"connect to " + address.text + ": poll: " + errno_text(errno)};
  int error = 0;
  socklen_t length = sizeof error;
  if (getsockopt(connection.fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error != 0) return Error{"connect to " + address.text + ": " + errno_text(error)};
  return connection;
}

bool Connection::idle_and_open() const {
  if (fd_ < 0 || !reusable_) return false;
  pollfd poll_fd{fd_, POLLIN | POLLRDHUP, 0};
  const int ready = ::poll(&poll_fd, 1, 0);
  return ready == 0;
}

Connection::Outcome Connection::exchange(std::string_view request, ResponseParser& parser, Deadline deadline,
                                         std::string& reason) {
  reusable_ = false;
  size_t sent = 0;
  const auto patience_end = std::chrono::steady_clock::now() + kCpuSlotPatience;
  bool slot_given = false;
  char buffer[65536];
  auto closed = [&](const std::string& what) {
    reason = what;
    return parser.consumed() == 0 ? Outcome::closed_early : Outcome::closed;
  };
  while (true) {
    const int wait_ms = millis_until(deadline);
    if (wait_ms == 0) {
      reason = "no complete response in time (" + std::to_string(parser.consumed()) + " bytes received)";
      return Outcome::timeout;
    }
    if (!slot_given && std::chrono::steady_clock::now() >= patience_end) {
      give_back_cpu_slot();
      slot_given = true;
    }
    pollfd poll_fd{fd_, static_cast<short>(POLLIN | (sent < request.size() ? POLLOUT : 0)), 0};
    const int ready = ::poll(&poll_fd, 1, slot_given ? wait_ms : std::min(wait_ms, millis_until(patience_end)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      reason = "poll: " + errno_text(errno);
      return Outcome::io_error;
    }
    if (ready == 0) continue;  // the deadline check above ends the loop
    if (poll_fd.revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) {
        const auto state = parser.feed(std::string_view(buffer, static_cast<size_t>(n)));
        if (state == ResponseParser::State::error) {
          reason = parser.error();
          return Outcome::protocol;
        }
        if (state == ResponseParser::State::complete) {
          reusable_ = sent == request.size() && parser.leftover() == 0;
          return Outcome::complete;
        }
        continue;
      }
      if (n == 0) return closed("connection closed by PHP-FPM");
      if (errno == ECONNRESET) return closed("connection reset by PHP-FPM");
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        reason = "recv: " + errno_text(errno);
        return Outcome::io_error;
      }
    }
    if (sent < request.size() && (poll_fd.revents & POLLOUT)) {
      const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<size_t>(n);
      } else if (errno == EPIPE || errno == ECONNRESET) {
        return closed("connection closed by PHP-FPM while sending");
      } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        reason = "send: " + errno_text(errno);
        return Outcome::io_error;
      }
    }
  }
}

}  // namespace spamgate::fcgi
