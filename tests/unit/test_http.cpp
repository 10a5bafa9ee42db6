#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>
#include <string>

#include "http/fcgi_server.h"
#include "http/gateway.h"
#include "http/http_request.h"
#include "http/http_response.h"
#include "http/metrics.h"
#include "http/pages.h"
#include "util/logfmt.h"

using namespace spamgate;

TEST_CASE("a request is built from the web server's CGI params") {
  std::string entries[] = {"REQUEST_METHOD=POST", "REQUEST_URI=/wp-comments-post.php?x=1",
                           "CONTENT_TYPE=application/x-www-form-urlencoded", "HTTP_USER_AGENT=curl/8",
                           "HTTP_X_FORWARDED_FOR=1.2.3.4", "WEIRD=a=b"};
  std::vector<char*> envp;
  for (auto& entry : entries) envp.push_back(entry.data());
  envp.push_back(nullptr);
  HttpRequest request = request_from_environment(envp.data());
  CHECK(request.method == "POST");
  CHECK(request.path == "/wp-comments-post.php");
  CHECK(request.content_type == "application/x-www-form-urlencoded");
  CHECK(request.header("User-Agent") == "curl/8");
  CHECK(request.header("X-Forwarded-For") == "1.2.3.4");
  CHECK(request.param("WEIRD") == "a=b");
  CHECK(request.param("MISSING").empty());
}

TEST_CASE("params are views of the environment, or copies the request keeps when added by hand") {
  std::string entry = "REMOTE_ADDR=192.0.2.1";
  char* envp[] = {entry.data(), nullptr};
  const HttpRequest from_server = request_from_environment(envp);
  CHECK(from_server.param("REMOTE_ADDR").data() == entry.data() + 12);  // not copied

  HttpRequest by_hand;
  {
    const std::string method = "POST";
    by_hand.params = {{"REQUEST_METHOD", method}, {"QUERY_STRING", std::string("a=") + "1"}};
    by_hand.params.emplace_back("HTTP_AUTHORIZATION", std::string("Bearer ") + "secret");
  }
  const HttpRequest copy = by_hand;  // the copy keeps its own text
  by_hand.params = {};
  CHECK(copy.param("REQUEST_METHOD") == "POST");
  CHECK(copy.param("QUERY_STRING") == "a=1");
  CHECK(copy.header("Authorization") == "Bearer secret");
  CHECK(copy.params.size() == 3);
}

TEST_CASE("DOCUMENT_URI wins over REQUEST_URI for the path") {
  std::string entries[] = {"REQUEST_URI=/blog/wp-comments-post.php?a", "DOCUMENT_URI=/wp-comments-post.php"};
  char* envp[] = {entries[0].data(), entries[1].data(), nullptr};
  CHECK(request_from_environment(envp).path == "/wp-comments-post.php");
}

TEST_CASE("responses become CGI output; relayed output is untouched") {
  auto page = HttpResponse::html(403, "<p>no</p>");
  CHECK(page.to_cgi() ==
        "Status: 403 Forbidden\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n\r\n<p>no</p>");
  auto redirect = HttpResponse::redirect("https://blog.example/post#c1");
  CHECK(redirect.to_cgi().find("Status: 302 Found\r\nLocation: https://blog.example/post#c1\r\n") == 0);
  const std::string php = "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nLocation: /x\r\nStatus: 302 Found\r\n\r\n";
  CHECK(HttpResponse::relay(php).to_cgi() == php);
}

TEST_CASE("pages never echo markup from a reason") {
  const std::string page = bad_request_page(400, "bad field <script>");
  CHECK(page.find("<script>") == std::string::npos);
  CHECK(page.find("bad field &lt;script&gt;") != std::string::npos);
  CHECK(upstream_error_page(504).find("did not answer in time") != std::string::npos);
  CHECK(upstream_error_page(502).find("not reachable") != std::string::npos);
}

TEST_CASE("metrics render Prometheus text with counts, histogram and rule hits") {
  Metrics metrics;
  metrics.record_request(EndpointKind::comment, Outcome::reject, 150);
  metrics.record_request(EndpointKind::comment, Outcome::reject, 2'000'000);
  metrics.record_request(EndpointKind::contact, Outcome::pass, 40);
  metrics.record_rule_hits({"PHARMA", "LINKS_3"});
  metrics.record_rule_hits({"PHARMA"});
  metrics.add_external("spamgate_outbox_queued", "Messages waiting.", "gauge", [] { return 7.0; });
  const std::string text = metrics.render();
  CHECK(text.find("spamgate_requests_total{endpoint=\"comment\",outcome=\"reject\"} 2\n") != std::string::npos);
  CHECK(text.find("spamgate_requests_total{endpoint=\"contact\",outcome=\"pass\"} 1\n") != std::string::npos);
  CHECK(text.find("spamgate_request_duration_seconds_bucket{le=\"0.0001\"} 1\n") != std::string::npos);
  CHECK(text.find("spamgate_request_duration_seconds_bucket{le=\"0.00025\"} 2\n") != std::string::npos);
  CHECK(text.find("spamgate_request_duration_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("spamgate_request_duration_seconds_count 3\n") != std::string::npos);
  CHECK(text.find("spamgate_rule_hits_total{rule=\"PHARMA\"} 2\n") != std::string::npos);
  CHECK(text.find("spamgate_outbox_queued 7\n") != std::string::npos);
}

TEST_CASE("logfmt quotes and escapes values that need it") {
  CHECK(logfmt_value("reject") == "reject");
  CHECK(logfmt_value("") == "\"\"");
  CHECK(logfmt_value("a b") == "\"a b\"");
  CHECK(logfmt_value("x\ny\"z") == "\"x\\ny\\\"z\"");
  CHECK(logfmt_value(std::string("\r\0", 2)) == "\"\\x0d\\x00\"");
  LogLine line("warn");
  line.add("id", "abc").add("score", 6.5).add("us", 12);
  CHECK(line.text().find(" level=warn id=abc score=6.5 us=12") != std::string::npos);
  CHECK(line.text().rfind("time=", 0) == 0);
}

TEST_CASE("read_limited_body: complete, too large, and a client that stops before CONTENT_LENGTH") {
  const std::string data = "comment=hello&author=ann";
  auto reader = [&](size_t available) {
    return [&data, available, at = size_t{0}](char* buffer, int n) mutable {
      const size_t take = std::min({static_cast<size_t>(n), available - at, data.size() - at});
      std::memcpy(buffer, data.data() + at, take);
      at += take;
      return static_cast<int>(take);
    };
  };
  std::string out;
  CHECK(read_limited_body(reader(data.size()), static_cast<int64_t>(data.size()), 1024, out) == BodyRead::complete);
  CHECK(out == data);
  out.clear();
  CHECK(read_limited_body(reader(data.size()), static_cast<int64_t>(data.size()), 8, out) == BodyRead::too_large);
  CHECK(out.empty());
  out.clear();
  // The regression: a body cut short (timeout, closed connection) used to be
  // scored and forwarded as if it were the whole form.
  CHECK(read_limited_body(reader(10), static_cast<int64_t>(data.size()), 1024, out) == BodyRead::truncated);
  out.clear();
  CHECK(read_limited_body(reader(10), -1, 1024, out) == BodyRead::complete);  // no length: EOF ends the body
  CHECK(out == data.substr(0, 10));
}

TEST_CASE("request ids are 16 hex digits, start with the unix time and follow one another (the id index stays local)") {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  std::set<std::string> seen;
  std::string previous = spamgate::new_request_id();
  for (int i = 0; i < 10000; ++i) {
    const std::string id = spamgate::new_request_id();
    REQUIRE(id.size() == 16);
    CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(seen.insert(id).second);
    // Within a second ids increase, except where the counter wraps.
    if (id.substr(0, 8) == previous.substr(0, 8) && previous.substr(8) != "ffffffff") CHECK(id > previous);
    previous = id;
  }
  const long long seconds = std::stoll(previous.substr(0, 8), nullptr, 16);
  CHECK(seconds >= now.count());
  CHECK(seconds <= now.count() + 5);
}
