// FastCgiClient against a real PHP-FPM running tests/e2e/php/echo.php:
// bodies and params arrive intact, PHP's headers come back unchanged, and
// a stopped, slow or restarted PHP-FPM gives the documented outcome.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <openssl/sha.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness/php_fpm.h"
#include "upstream/fastcgi_client.h"

using namespace spamgate;
using namespace harness;
using Clock = std::chrono::steady_clock;

namespace {

// The params nginx would send for POST /echo.php?<query>.
fcgi::Params echo_params(const std::string& query, size_t content_length,
                         const std::string& content_type = "application/octet-stream") {
  return {
      {"SCRIPT_FILENAME", echo_script()},
      {"SCRIPT_NAME", "/echo.php"},
      {"REQUEST_METHOD", "POST"},
      {"REQUEST_URI", "/echo.php" + (query.empty() ? "" : "?" + query)},
      {"QUERY_STRING", query},
      {"CONTENT_TYPE", content_type},
      {"CONTENT_LENGTH", std::to_string(content_length)},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"GATEWAY_INTERFACE", "CGI/1.1"},
      {"REMOTE_ADDR", "127.0.0.1"},
      {"SERVER_NAME", "localhost"},
      {"SERVER_PORT", "80"},
      {"REDIRECT_STATUS", "200"},
  };
}

UpstreamConfig config_for(const PhpFpm& fpm, int keepalive = 4, int response_timeout_ms = 10000) {
  UpstreamConfig config;
  config.address = fpm.address();
  config.connect_timeout_ms = 1000;
  config.response_timeout_ms = response_timeout_ms;
  config.keepalive_connections = keepalive;
  return config;
}

// PHP's CGI output split at the blank line.
std::pair<std::string, std::string> split_cgi(const std::string& output) {
  const size_t blank = output.find("\r\n\r\n");
  REQUIRE(blank != std::string::npos);
  return {output.substr(0, blank + 2), output.substr(blank + 4)};
}

nlohmann::json echo_json(const UpstreamResponse& response) {
  REQUIRE_MESSAGE(response.ok(), response.reason);
  return nlohmann::json::parse(split_cgi(response.output).second);
}

std::string sha256_hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

long millis_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

}  // namespace

TEST_CASE("a 200 KB binary POST body and every param arrive intact") {
  PhpFpm fpm;
  REQUIRE_MESSAGE(fpm.wait_until_listening(), (fpm.output() + fpm.error_log()));
  FastCgiClient client(config_for(fpm));

  std::string body(200 * 1024, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>((i * 131 + 7) % 256);
  auto params = echo_params("x=1", body.size());
  params.emplace_back("SPAMGATE_VERDICT", "hold");
  params.emplace_back("SPAMGATE_RULES", std::string(300, 'R'));  // a 4-byte length
  params.emplace_back("HTTP_COOKIE", "session=abc; theme=dark");

  auto response = client.forward(params, body);
  auto json = echo_json(response);
  CHECK(json["body_length"] == body.size());
  CHECK(json["body_sha256"] == sha256_hex(body));
  CHECK(json["server"]["SPAMGATE_VERDICT"] == "hold");
  CHECK(json["server"]["SPAMGATE_RULES"] == std::string(300, 'R'));
  CHECK(json["server"]["REQUEST_URI"] == "/echo.php?x=1");
  CHECK(json["get"]["x"] == "1");
  CHECK(json["cookie"]["session"] == "abc");
  CHECK(json["cookie"]["theme"] == "dark");
}

TEST_CASE("a form POST is parsed by PHP and a large response comes back whole") {
  PhpFpm fpm;
  REQUIRE(fpm.wait_until_listening());
  FastCgiClient client(config_for(fpm));
  const std::string body = "comment=hello+world&author=Ann";
  auto response = client.forward(echo_params("pad=300000", body.size(), "application/x-www-form-urlencoded"), body);
  auto json = echo_json(response);
  CHECK(json["post"]["comment"] == "hello world");
  CHECK(json["post"]["author"] == "Ann");
  CHECK(json["pad"].get<std::string>().size() == 300000);
}

TEST_CASE("PHP's headers come back unchanged: two Set-Cookie, Location, status, stderr") {
  PhpFpm fpm;
  REQUIRE(fpm.wait_until_listening());
  FastCgiClient client(config_for(fpm));
  auto response = client.forward(
      echo_params("set_cookie[a]=1&set_cookie[b]=2&redirect=/thanks&stderr=warning-5c1e", 0), "");
  REQUIRE_MESSAGE(response.ok(), response.reason);
  const auto parts = split_cgi(response.output);  // not a structured binding: clang 14 cannot capture one in INFO
  const auto& headers = parts.first;
  INFO(headers);
  CHECK(headers.find("Status: 302 Found\r\n") != std::string::npos);
  CHECK(headers.find("Location: /thanks\r\n") != std::string::npos);
  const size_t first = headers.find("Set-Cookie: a=1; Path=/\r\n");
  const size_t second = headers.find("Set-Cookie: b=2; Path=/\r\n");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(first < second);
  CHECK(response.errors.find("warning-5c1e") != std::string::npos);
  CHECK(response.gateway_status() == 200);
}

TEST_CASE("a stopped PHP-FPM is unreachable at once, on TCP and on a unix socket") {
  for (bool unix_socket : {false, true}) {
    CAPTURE(unix_socket);
    PhpFpmOptions options;
    options.unix_socket = unix_socket;
    PhpFpm fpm(options);
    REQUIRE(fpm.wait_until_listening());
    FastCgiClient client(config_for(fpm));
    REQUIRE(client.forward(echo_params("", 0), "").ok());
    fpm.stop();

    const auto start = Clock::now();
    auto response = client.forward(echo_params("", 0), "");
    CHECK(response.error == UpstreamError::unreachable);
    CHECK(response.gateway_status() == 502);
    CHECK(millis_since(start) < 500);
    CHECK_FALSE(response.reason.empty());
  }
}

TEST_CASE("a script slower than response_timeout_ms is a timeout within the bound") {
  PhpFpm fpm;
  REQUIRE(fpm.wait_until_listening());
  FastCgiClient client(config_for(fpm, 4, 600));
  const auto start = Clock::now();
  auto response = client.forward(echo_params("sleep_ms=3000", 0), "");
  const long elapsed = millis_since(start);
  CHECK(response.error == UpstreamError::timeout);
  CHECK(response.gateway_status() == 504);
  CHECK(elapsed >= 600);
  CHECK(elapsed < 600 + 250);
  // The timed-out connection is not pooled; the next request works.
  CHECK(client.idle_connections() == 0);
  CHECK(client.forward(echo_params("", 0), "").ok());
}

TEST_CASE("pooled connections survive a PHP-FPM restart and workers that exit after every request") {
  SUBCASE("restart") {
    PhpFpm fpm;
    REQUIRE(fpm.wait_until_listening());
    FastCgiClient client(config_for(fpm));
    for (int i = 0; i < 3; ++i) REQUIRE(client.forward(echo_params("", 0), "").ok());
    CHECK(client.idle_connections() == 1);
    REQUIRE(fpm.restart());
    auto response = client.forward(echo_params("", 0), "");
    CHECK_MESSAGE(response.ok(), response.reason);
    CHECK(client.idle_connections() == 1);
  }
  SUBCASE("pm.max_requests = 1") {
    PhpFpmOptions options;
    options.max_requests = 1;
    options.children = 2;
    PhpFpm fpm(options);
    REQUIRE(fpm.wait_until_listening());
    FastCgiClient client(config_for(fpm));
    for (int i = 0; i < 20; ++i) {
      auto response = client.forward(echo_params("", 0), "");
      REQUIRE_MESSAGE(response.ok(), response.reason);
    }
  }
}

TEST_CASE("concurrent requests from many threads share the pool") {
  PhpFpmOptions options;
  options.children = 4;
  PhpFpm fpm(options);
  REQUIRE(fpm.wait_until_listening());
  FastCgiClient client(config_for(fpm, 3));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string body = "thread=" + std::to_string(t) + "&i=" + std::to_string(i);
        auto response = client.forward(echo_params("", body.size(), "application/x-www-form-urlencoded"), body);
        if (!response.ok()) continue;
        const size_t blank = response.output.find("\r\n\r\n");  // no REQUIRE off the main thread
        if (blank == std::string::npos) continue;
        auto json = nlohmann::json::parse(response.output.substr(blank + 4), nullptr, false);
        if (json.is_object() && json["body"] == body) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == 60);
  CHECK(client.idle_connections() <= 3);
}
