// One socket to PHP-FPM: address parsing, connect with a timeout, and one
// request/response exchange bounded by a deadline. Every wait is a poll()
// with the time left; nothing here ever blocks without a bound.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <string>
#include <string_view>

#include "upstream/fcgi_records.h"
#include "util/result.h"

namespace spamgate::fcgi {

using Deadline = std::chrono::steady_clock::time_point;

// How long exchange() waits for PHP-FPM before the calling thread gives its
// CPU slot (util/cpu_slots.h) to another request: a small script answers
// well within it, WordPress does not. Giving it at once cost a thread
// handoff per comment (+0.13 ms at p50 with one client, scripts/bench).
inline constexpr std::chrono::milliseconds kCpuSlotPatience{2};

struct UpstreamAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string text;  // as configured, for messages
};

// Parses "host:port" (IPv4 or IPv6 literal, "[::1]:9000", or a host name
// resolved now, once) or "unix:/path". Fails with a one-line reason.
Result<UpstreamAddress> parse_upstream_address(const std::string& address);

// Owns a connected non-blocking socket (closed by the destructor).
class Connection {
 public:
  Connection() = default;
  explicit Connection(int fd) : fd_(fd) {}
  Connection(Connection&& other) noexcept : fd_(other.fd_), reusable_(other.reusable_) { other.fd_ = -1; }
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Connects within `timeout`. The error says why (refused, no such
  // socket, timed out); nothing was sent when it fails.
  static Result<Connection> open(const UpstreamAddress& address, std::chrono::milliseconds timeout);

  bool valid() const { return fd_ >= 0; }
  // True after a complete exchange that left the connection clean: the
  // whole request was sent and nothing followed END_REQUEST.
  bool reusable() const { return fd_ >= 0 && reusable_; }
  // For an idle kept-alive connection: true when nothing is readable and no
  // hang-up is pending. A peer that closed (EOF, reset) or sent unexpected
  // bytes makes it false; such a connection must not be reused.
  bool idle_and_open() const;

  enum class Outcome {
    complete,      // the parser saw END_REQUEST
    closed_early,  // EOF, EPIPE or reset before a single response byte arrived
    closed,        // the peer closed after part of the response
    timeout,       // the deadline passed first
    protocol,      // the parser rejected the bytes
    io_error,      // another socket error
  };

  // Sends `request` while reading the response into `parser` (reading
  // while writing, so a script that answers before reading all of stdin
  // cannot deadlock us), until END_REQUEST or `deadline`. `reason` gets a
  // one-line description when the outcome is not complete. After
  // kCpuSlotPatience it gives away the calling thread's CPU slot, if any.
  Outcome exchange(std::string_view request, ResponseParser& parser, Deadline deadline, std::string& reason);

 private:
  int fd_ = -1;
  bool reusable_ = true;  // a fresh connection; exchange() decides afterwards
};

}  // namespace spamgate::fcgi
