// FastCgiClient's reuse and retry rules against a scripted FastCGI server
// on 127.0.0.1, which can misbehave in ways a real PHP-FPM does only by
// chance (a stale kept connection hit in the instant it closes).
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "support/eventually.h"
#include "upstream/fastcgi_client.h"

using namespace spamgate;
using namespace spamgate::fcgi;

namespace {

enum class Action {
  answer,                // answer and keep the connection
  answer_with_trailing,  // answer, then send bytes after END_REQUEST
  close_unanswered,      // close as soon as a request starts arriving (a stale kept connection)
  close_mid_response,    // read the request, send part of an answer, close
  garbage,               // read the request, answer with non-FastCGI bytes
};

// Serves connections one at a time; each request takes the next action.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<Action> actions) : actions_(std::move(actions)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t length = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
    REQUIRE(listen(listener_, 16) == 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    thread_.join();
    close(listener_);
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }
  int requests_read() const { return requests_read_; }

 private:
  bool readable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, ms) > 0;
  }

  // Reads records until the empty STDIN that ends a request; false on EOF or stop.
  bool read_request(int fd) {
    std::string data;
    char buffer[65536];
    while (!stop_) {
      size_t at = 0;
      while (data.size() - at >= 8) {
        const auto* h = reinterpret_cast<const unsigned char*>(data.data() + at);
        const size_t length = h[4] << 8 | h[5], total = 8 + length + h[6];
        if (data.size() - at < total) break;
        if (h[1] == kStdin && length == 0) return true;
        at += total;
      }
      if (!readable(fd, 50)) continue;
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      data.append(buffer, static_cast<size_t>(n));
    }
    return false;
  }

  static void send_all(int fd, const std::string& data) {
    size_t at = 0;
    while (at < data.size()) {
      const ssize_t n = send(fd, data.data() + at, data.size() - at, MSG_NOSIGNAL);
      if (n <= 0) return;
      at += static_cast<size_t>(n);
    }
  }

  static std::string answer(const std::string& text) {
    std::string out;
    append_record(out, kStdout, 1, "Content-Type: text/plain\r\n\r\n" + text);
    append_record(out, kStdout, 1, "");
    append_record(out, kEndRequest, 1, std::string(8, '\0'));
    return out;
  }

  void serve() {
    size_t next = 0;
    while (!stop_) {
      if (!readable(listener_, 50)) continue;
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      ++connections_;
      bool keep = true;
      while (keep && !stop_ && next < actions_.size()) {
        const Action action = actions_[next];
        if (action == Action::close_unanswered) {
          while (!stop_ && !readable(fd, 50)) {
          }
          ++next;
          break;  // close with the request unread: the client sees a reset or EOF
        }
        if (!read_request(fd)) break;
        ++requests_read_;
        ++next;
        const std::string reply = answer("request " + std::to_string(requests_read_));
        switch (action) {
          case Action::answer: send_all(fd, reply); break;
          case Action::answer_with_trailing: send_all(fd, reply + "junk"); break;
          case Action::close_mid_response: send_all(fd, reply.substr(0, 20)); keep = false; break;
          case Action::garbage: send_all(fd, "HTTP/1.1 200 OK\r\n\r\n"); keep = false; break;
          case Action::close_unanswered: break;
        }
      }
      close(fd);
    }
  }

  std::vector<Action> actions_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_read_{0};
};

UpstreamConfig config_for(const ScriptedServer& server, int response_timeout_ms = 3000) {
  UpstreamConfig config;
  config.address = server.address();
  config.connect_timeout_ms = 1000;
  config.response_timeout_ms = response_timeout_ms;
  config.keepalive_connections = 2;
  return config;
}

const Params kRequestParams = {{"SCRIPT_FILENAME", "/x.php"}, {"REQUEST_METHOD", "POST"}};

bool body_is(const UpstreamResponse& response, const std::string& text) {
  return response.ok() && response.output == "Content-Type: text/plain\r\n\r\n" + text;
}

}  // namespace

TEST_CASE("a kept connection is reused for the next request") {
  ScriptedServer server({Action::answer, Action::answer, Action::answer});
  FastCgiClient client(config_for(server));
  for (int i = 1; i <= 3; ++i) CHECK(body_is(client.forward(kRequestParams, "body"), "request " + std::to_string(i)));
  CHECK(server.connections() == 1);
  CHECK(client.idle_connections() == 1);
}

TEST_CASE("an idle kept connection is closed after the idle timeout, without another request") {
  ScriptedServer server({Action::answer, Action::answer});
  FastCgiClient client(config_for(server), std::chrono::milliseconds(100));
  REQUIRE(body_is(client.forward(kRequestParams, "a"), "request 1"));
  CHECK(client.idle_connections() == 1);
  const auto started = std::chrono::steady_clock::now();
  CHECK(testing::eventually([&] { return client.idle_connections() == 0; }, std::chrono::seconds(3)));
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(80));
  // The server saw the close (its worker is free) and serves the next connection.
  CHECK(body_is(client.forward(kRequestParams, "b"), "request 2"));
  CHECK(server.connections() == 2);
}

TEST_CASE("a pooled connection that closes before answering is retried once on a fresh connection") {
  ScriptedServer server({Action::answer, Action::close_unanswered, Action::answer});
  FastCgiClient client(config_for(server));
  REQUIRE(body_is(client.forward(kRequestParams, "first"), "request 1"));
  auto response = client.forward(kRequestParams, "second");
  CHECK_MESSAGE(body_is(response, "request 2"), response.reason);
  CHECK(server.connections() == 2);
  CHECK(server.requests_read() == 2);  // the stale connection never read the request
}

TEST_CASE("a fresh connection that closes before answering is not retried") {
  ScriptedServer server({Action::close_unanswered, Action::answer});
  FastCgiClient client(config_for(server));
  auto response = client.forward(kRequestParams, "body");
  CHECK(response.error == UpstreamError::protocol);
  CHECK(response.gateway_status() == 502);
  CHECK(server.connections() == 1);
}

TEST_CASE("a connection closed mid-response is a protocol error and is not retried, even when pooled") {
  ScriptedServer server({Action::answer, Action::close_mid_response, Action::answer});
  FastCgiClient client(config_for(server));
  REQUIRE(client.forward(kRequestParams, "first").ok());
  auto response = client.forward(kRequestParams, "second");
  CHECK(response.error == UpstreamError::protocol);
  CHECK(response.output.empty());
  CHECK(server.requests_read() == 2);
  CHECK(client.idle_connections() == 0);
}

TEST_CASE("a non-FastCGI answer is a protocol error") {
  ScriptedServer server({Action::garbage});
  FastCgiClient client(config_for(server));
  auto response = client.forward(kRequestParams, "body");
  CHECK(response.error == UpstreamError::protocol);
  CHECK(response.reason.find("version") != std::string::npos);
}

TEST_CASE("a connection with bytes after END_REQUEST is not pooled") {
  ScriptedServer server({Action::answer_with_trailing, Action::answer});
  FastCgiClient client(config_for(server));
  CHECK(body_is(client.forward(kRequestParams, "first"), "request 1"));
  CHECK(client.idle_connections() == 0);
  CHECK(body_is(client.forward(kRequestParams, "second"), "request 2"));
  CHECK(server.connections() == 2);
}

TEST_CASE("keepalive_connections = 0 closes every connection") {
  ScriptedServer server({Action::answer, Action::answer});
  auto config = config_for(server);
  config.keepalive_connections = 0;
  FastCgiClient client(config);
  CHECK(body_is(client.forward(kRequestParams, "a"), "request 1"));
  CHECK(body_is(client.forward(kRequestParams, "b"), "request 2"));
  CHECK(server.connections() == 2);
  CHECK(client.idle_connections() == 0);
}

TEST_CASE("no listener or a bad address is unreachable") {
  UpstreamConfig config;
  config.address = "unix:/nonexistent/spamgate-test.sock";
  auto response = FastCgiClient(config).forward(kRequestParams, "");
  CHECK(response.error == UpstreamError::unreachable);
  config.address = "no-port-here";
  response = FastCgiClient(config).forward(kRequestParams, "");
  CHECK(response.error == UpstreamError::unreachable);
  CHECK(response.reason.find("no-port-here") != std::string::npos);
}
