// FastCgiClient's kept-alive connections against a real PHP-FPM pool the
// size of Debian's default (pm.max_children = 5): a PHP-FPM worker serves
// one connection at a time and waits on a kept one, so every idle pooled
// connection pins a worker. With the default keepalive a burst of comments
// must neither hang itself nor leave the site's own pages without a worker.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "harness/php_fpm.h"
#include "upstream/fastcgi_client.h"

using namespace spamgate;
using namespace harness;

namespace {

fcgi::Params echo_params(const std::string& query) {
  return {{"SCRIPT_FILENAME", echo_script()},
          {"SCRIPT_NAME", "/echo.php"},
          {"REQUEST_METHOD", "GET"},
          {"REQUEST_URI", "/echo.php?" + query},
          {"QUERY_STRING", query},
          {"SERVER_PROTOCOL", "HTTP/1.1"},
          {"GATEWAY_INTERFACE", "CGI/1.1"},
          {"REMOTE_ADDR", "127.0.0.1"},
          {"SERVER_NAME", "localhost"},
          {"SERVER_PORT", "80"},
          {"REDIRECT_STATUS", "200"}};
}

}  // namespace

TEST_CASE("with the default keepalive a comment burst leaves PHP-FPM workers for the site's pages") {
  PhpFpmOptions options;
  options.pm = "static";
  options.children = 5;  // Debian's www pool: pm.max_children = 5
  PhpFpm fpm(options);
  REQUIRE_MESSAGE(fpm.wait_until_listening(), (fpm.output() + fpm.error_log()));

  UpstreamConfig config;  // spamgate's defaults, but a short response timeout
  config.address = fpm.address();
  config.response_timeout_ms = 4000;
  FastCgiClient comments(config);

  // Eight comments at once, each kept busy in PHP for 300 ms, twice over.
  std::atomic<int> answered{0};
  for (int round = 0; round < 2; ++round) {
    std::vector<std::thread> burst;
    for (int i = 0; i < 8; ++i)
      burst.emplace_back([&] {
        if (comments.forward(echo_params("sleep_ms=300"), "").ok()) ++answered;
      });
    for (auto& thread : burst) thread.join();
  }
  CHECK(answered == 16);
  CHECK(comments.idle_connections() <= static_cast<size_t>(options.children / 2));

  // The site's own page, as nginx sends it: a fresh connection, no keep-alive.
  UpstreamConfig page_config = config;
  page_config.keepalive_connections = 0;
  page_config.response_timeout_ms = 2000;
  FastCgiClient pages(page_config);
  for (int i = 0; i < options.children; ++i) {
    CAPTURE(i);
    const UpstreamResponse page = pages.forward(echo_params("page=" + std::to_string(i)), "");
    CHECK_MESSAGE(page.ok(), page.reason);
  }
}
