// Hostile clients against real servers (nginx → spamgate → PHP-FPM): slow
// and half-open connections to nginx and straight to spamgate's FastCGI
// socket, a 100 MB body, 100,000 fields, deeply nested multipart, invalid
// and overlong UTF-8, NUL bytes. Each gets a clear 4xx (or is dropped after
// the client timeout), other clients keep being served, and spamgate's
// resident memory stays bounded.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <string>
#include <vector>

#include "harness/echo_stack.h"
#include "harness/http_client.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/proc_stats.h"
#include "harness/spamgate_server.h"
#include "http/fcgi_server.h"
#include "support/site_rules.h"
#include "support/text_cat.h"

using namespace harness;
using namespace std::chrono_literals;

namespace {

// spamgate with the default limits (1 MiB body, 200 fields) and 4 threads;
// nginx lets 200 MB bodies through so spamgate's own limit is what is tested.
struct Stack : EchoStack {
  Stack()
      : EchoStack(SpamgateOptions{"", "", true, spamgate::testing::kRelaxedChecks, "", 4},
                  {}, "client_max_body_size 200m;\n") {}
};

HttpResponse post(const Stack& stack, const std::string& content_type, const std::string& body) {
  HttpRequest request;
  request.method = "POST";
  request.url = stack.url("/wp-comments-post.php");
  request.headers = {"Content-Type: " + content_type, "Expect:"};
  request.body = body;
  request.timeout_ms = 60000;
  return http(request);
}

// A TCP connection to 127.0.0.1:port, closed at the end of the scope.
struct RawConnection {
  int fd = -1;
  explicit RawConnection(int port) {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~RawConnection() { close(fd); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  void send_bytes(const std::string& bytes) { REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size())); }
  // Everything the peer sends until it closes or `timeout` passes; sets `closed`.
  std::string read_until_closed(std::chrono::milliseconds timeout, bool& closed) {
    std::string out;
    closed = false;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buffer[4096];
      const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) {
        closed = true;
        break;
      }
      out.append(buffer, static_cast<size_t>(got));
    }
    return out;
  }
};

// One FastCGI record (version 1, request id 1).
std::string fcgi_record(int type, const std::string& content) {
  std::string record = {1, static_cast<char>(type), 0, 1, static_cast<char>(content.size() >> 8),
                        static_cast<char>(content.size() & 0xFF), 0, 0};
  return record + content;
}

std::string fcgi_begin() { return fcgi_record(1, std::string{0, 1, 0, 0, 0, 0, 0, 0}); }

std::string fcgi_param(const std::string& name, const std::string& value) {
  return std::string{static_cast<char>(name.size()), static_cast<char>(value.size())} + name + value;
}

}  // namespace

TEST_CASE("half-written FastCGI records straight to spamgate do not hang other requests") {
  Stack stack;
  // More stalled connections than spamgate has worker threads (4): each
  // stops in the middle of a record header.
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < 6; ++i) {
    stalled.push_back(std::make_unique<RawConnection>(stack.spamgate.port()));
    stalled.back()->send_bytes(fcgi_begin() + std::string{1, 4, 0});
  }
  // One that declares a 1000-byte body and sends ten.
  RawConnection short_body(stack.spamgate.port());
  const std::string params = fcgi_param("REQUEST_METHOD", "POST") + fcgi_param("DOCUMENT_URI", "/wp-comments-post.php") +
                             fcgi_param("CONTENT_TYPE", "application/x-www-form-urlencoded") +
                             fcgi_param("CONTENT_LENGTH", "1000") + fcgi_param("REMOTE_ADDR", "127.0.0.1");
  short_body.send_bytes(fcgi_begin() + fcgi_record(4, params) + fcgi_record(4, "") + fcgi_record(5, "comment=hi"));

  const auto start = std::chrono::steady_clock::now();
  auto normal = http_post_form(stack.url("/wp-comments-post.php"), comment_fields("A patient comment behind stalled ones."));
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(normal.status == 200);
  CHECK(waited < std::chrono::seconds(spamgate::kClientTimeoutSeconds + 5));

  bool closed = false;
  stalled.front()->read_until_closed(std::chrono::seconds(spamgate::kClientTimeoutSeconds + 5), closed);
  CHECK_MESSAGE(closed, "spamgate keeps a connection that stopped mid-record");
  // It waits behind the stalled ones, then for its own missing bytes.
  const std::string answer = short_body.read_until_closed(std::chrono::seconds(2 * spamgate::kClientTimeoutSeconds + 5), closed);
  CHECK(closed);
  CHECK(answer.find("Status: 400") != std::string::npos);
  CHECK(answer.find("ended before CONTENT_LENGTH") != std::string::npos);
  CHECK(stack.fpm.error_log().find("comment=hi") == std::string::npos);
  CHECK(eventually([&] { return stack.spamgate.log().find("request body ended before CONTENT_LENGTH") != std::string::npos; }));
  CHECK(http_get(stack.url("/spamgate/health")).status == 200);
}

TEST_CASE("slowloris against nginx does not stop comments from being served") {
  Stack stack;
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 40; ++i) {
    slow.push_back(std::make_unique<RawConnection>(stack.nginx.port()));
    slow.back()->send_bytes("POST /wp-comments-post.php HTTP/1.1\r\nHost: localhost\r\nX-a: ");
  }
  for (int round = 0; round < 3; ++round) {
    for (auto& connection : slow) connection->send_bytes("b");
    auto response = http_post_form(stack.url("/wp-comments-post.php"), comment_fields("Round " + std::to_string(round)));
    CHECK(response.status == 200);
    CHECK(response.seconds < 3);
  }
  // Half a body behind a complete header: nginx buffers it, spamgate never sees it.
  RawConnection half_body(stack.nginx.port());
  half_body.send_bytes("POST /wp-comments-post.php HTTP/1.1\r\nHost: localhost\r\n"
                       "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\ncomment=x");
  CHECK(http_post_form(stack.url("/wp-comments-post.php"), comment_fields("Still here.")).status == 200);
  CHECK(http_get(stack.url("/spamgate/health")).status == 200);
}

TEST_CASE("huge, wide, deep and malformed forms get a 4xx with a reason, in bounded memory") {
  Stack stack;
  CHECK(post(stack, "application/x-www-form-urlencoded", "comment=warm+up&author=a").status == 200);
  const long rss_before = rss_kib(stack.spamgate.pid());
  REQUIRE(rss_before > 0);

  auto huge = post(stack, "application/x-www-form-urlencoded", "comment=" + std::string(100 << 20, 'a'));
  CHECK(huge.status == 413);
  CHECK(huge.body.find("larger than 1048576 bytes") != std::string::npos);

  std::string wide;
  for (int i = 0; i < 100000; ++i) wide += spamgate::testing::cat("f", i, "=1&");
  auto many = post(stack, "application/x-www-form-urlencoded", wide.substr(0, 1000000));
  CHECK(many.status == 400);
  CHECK(many.body.find("more than 200 form fields") != std::string::npos);

  std::string deep = "--b0\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nhi\r\n";
  for (int level = 1; level < 5000; ++level)
    deep += "--b" + std::to_string(level - 1) + "\r\nContent-Type: multipart/mixed; boundary=b" + std::to_string(level) +
            "\r\n\r\n";
  auto nested = post(stack, "multipart/form-data; boundary=b0", deep);
  CHECK(nested.status >= 400);
  CHECK(nested.status < 500);

  struct Case {
    std::string body;
    long status;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"comment=%C0%AF&author=x", 400, "invalid UTF-8 in field comment"},          // overlong '/'
      {"comment=%E0%80%AF&author=x", 400, "invalid UTF-8 in field comment"},       // overlong, 3 bytes
      {"comment=%ED%A0%80&author=x", 400, "invalid UTF-8 in field comment"},       // a UTF-16 surrogate
      {"comment=%F4%90%80%80&author=x", 400, "invalid UTF-8 in field comment"},    // beyond U+10FFFF
      {"comment=%FF%FE&author=x", 400, "invalid UTF-8 in field comment"},
      {"com%00ment=x&author=x", 400, "NUL byte in field name com\\x00ment"},
      {"comment=fine&author=Ann%00Bcc", 403, "not accepted"},                        // HEADER_INJECTION
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    auto response = post(stack, "application/x-www-form-urlencoded", c.body);
    CHECK(response.status == c.status);
    CHECK(response.body.find(c.reason) != std::string::npos);
  }
  const long rss_after = rss_kib(stack.spamgate.pid());
  MESSAGE("spamgate VmRSS before " << rss_before << " KiB, after " << rss_after << " KiB");
  CHECK(rss_after - rss_before < 64 * 1024);
  CHECK(post(stack, "application/x-www-form-urlencoded", "comment=after+all+that&author=a").status == 200);
}

TEST_CASE("running out of file descriptors does not stop spamgate's workers") {
  Stack stack;
  const pid_t pid = stack.spamgate.pid();
  // The limit is for a spamgate that is serving, every thread at work: a
  // comment answered and written to SQLite by the log writer. (Tightened
  // while a thread was still starting, it met EMFILE inside UBSan's own
  // checks, which need a pipe, and the sanitizer aborted the process.)
  REQUIRE(http_post_form(stack.url("/wp-comments-post.php"), comment_fields("Before EMFILE.")).status == 200);
  REQUIRE(eventually([&] {
    std::string rows;
    return run("sqlite3 " + stack.spamgate.database_path() + " 'SELECT count(*) FROM submissions'", &rows) == 0 &&
           rows.find('1') == 0;
  }));
  rlimit old_limit{};
  REQUIRE(prlimit(pid, RLIMIT_NOFILE, nullptr, &old_limit) == 0);
  const rlimit tight{0, old_limit.rlim_max};  // no new descriptor at all: every accept() fails with EMFILE
  REQUIRE(prlimit(pid, RLIMIT_NOFILE, &tight, nullptr) == 0);
  {
    std::vector<std::unique_ptr<RawConnection>> flood;
    for (int i = 0; i < 12; ++i) flood.push_back(std::make_unique<RawConnection>(stack.spamgate.port()));
    // A worker already blocked in accept() holds the descriptor it reserved
    // before the limit: it takes one flood connection and waits for its
    // record up to the client timeout; only its next accept() meets EMFILE.
    CHECK(eventually([&] { return stack.spamgate.log().find("Too many open files") != std::string::npos; },
                     std::chrono::seconds(spamgate::kClientTimeoutSeconds + 10)));
    std::this_thread::sleep_for(500ms);  // every worker has met EMFILE by now
  }  // the flood hangs up
  REQUIRE(prlimit(pid, RLIMIT_NOFILE, &old_limit, nullptr) == 0);
  auto response = http_post_form(stack.url("/wp-comments-post.php"), comment_fields("Served after EMFILE."));
  CHECK(response.status == 200);
  CHECK(response.seconds < 5);
  CHECK(stack.spamgate.log().find("accept failed") != std::string::npos);
}
