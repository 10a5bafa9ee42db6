// A private redis-server for the unit tests that need a real one
// (Debian's, on a free loopback port, without persistence; the cases are
// skipped when it is not installed), and links to it as named nodes.
// Test-only.
#pragma once

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "shared/redis_link.h"
#include "support/eventually.h"
#include "support/temp_dir.h"

extern char** environ;

namespace spamgate::testing {

inline constexpr const char* kRedisServer = "/usr/bin/redis-server";

inline int unused_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

// A private redis-server on 127.0.0.1:port, without persistence.
class RedisServer {
 public:
  explicit RedisServer(int port) : port_(port) { start(); }
  ~RedisServer() { stop(); }

  void start() {
    const std::string port = std::to_string(port_);
    std::vector<std::string> args{kRedisServer, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                  "no", "--dir", dir_.path(), "--logfile", dir_ / "redis.log"};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, kRedisServer, nullptr, nullptr, argv.data(), environ) == 0);
    RedisLinkOptions options;
    options.endpoint.host = "127.0.0.1";
    options.endpoint.port = port_;
    options.log_changes = false;  // refused until it listens: not an outage
    const bool answers = eventually([&] { return RedisLink(options).ping().ok(); }, std::chrono::seconds(2));
    if (!answers) FAIL("redis-server did not answer on port " << port_);
  }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  int port() const { return port_; }

 private:
  int port_;
  pid_t pid_ = -1;
  testing::TempDir dir_{"spamgate-redis"};
};

inline RedisLinkOptions link_to(int port, const std::string& node) {
  RedisLinkOptions options;
  options.endpoint.host = "127.0.0.1";
  options.endpoint.port = port;
  options.endpoint.display = "redis://127.0.0.1:" + std::to_string(port) + "/0";
  options.timeout = std::chrono::milliseconds(200);
  options.node = node;
  return options;
}

inline bool have_redis() { return access(kRedisServer, X_OK) == 0; }

}  // namespace spamgate::testing
