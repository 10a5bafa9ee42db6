// Section: the site's review list with [shared] (issue 26): one node
// answering GET /spamgate/submissions from the review mirror on Redis with
// 100,000 blocked submissions kept, asked one request at a time over
// FastCGI as the plugin asks, for the screen's first page, a rule, a kind
// and action, a deep page and a text search.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "harness/php_fpm.h"
#include "harness/redis.h"
#include "harness/spamgate_server.h"
#include "shared/review_mirror.h"
#include "system_bench_sections.h"
#include "system_bench_shared.h"
#include "system_bench_stacks.h"
#include "upstream/fastcgi_client.h"

namespace bench {
namespace {

constexpr int kRows = 100000;
constexpr int kAsks = 50;  // per query
const std::string kSecret = "bench-review-secret-51c2";
// [shared] review_timeout_ms for the node: the figures say what the list
// costs, so a slow answer must not turn into a partial one here.
const int kTimeoutMs = std::getenv("SPAMGATE_BENCH_REVIEW_TIMEOUT_MS") ? std::atoi(std::getenv("SPAMGATE_BENCH_REVIEW_TIMEOUT_MS")) : 1000;

// Rows as many nodes would have blocked them over the retention: every
// action and kind, a few rules each (some rare), Japanese and English text.
std::vector<spamgate::SubmissionRecord> blocked_rows(int64_t now) {
  static const char* const kRules[] = {"PHARMA", "LINKS_3", "CASINO", "DUPLICATE", "RATE_IP", "NO_JAPANESE", "SHORTENER"};
  static const spamgate::Action kActions[] = {spamgate::Action::reject, spamgate::Action::discard, spamgate::Action::hold};
  std::vector<spamgate::SubmissionRecord> rows;
  rows.reserve(kRows);
  for (int i = 0; i < kRows; ++i) {
    spamgate::Submission s;
    s.kind = i % 10 == 0 ? spamgate::SubmissionKind::contact : spamgate::SubmissionKind::comment;
    s.author = i % 2 ? "山田 " + std::to_string(i) : "Visitor " + std::to_string(i);
    s.email = "sender" + std::to_string(i % 5000) + "@example.org";
    s.body = i % 2 ? "激安ブランド品の通販はこちら、番号 " + std::to_string(i) : "Buy cheap pills online, offer " + std::to_string(i);
    s.ip = "198.51.100." + std::to_string(i % 250);
    spamgate::Verdict v;
    v.action = kActions[i % 3];
    v.hits.push_back({kRules[i % 5], 10, ""});
    if (i % 7 == 0) v.hits.push_back({kRules[5 + i % 2], 5, ""});
    char id[17];
    std::snprintf(id, sizeof id, "%016x", 0x10000000 + i);
    // Spread over the last 25 days.
    const int64_t created = now - 25 * 86400 + static_cast<int64_t>(i) * (25 * 86400 / kRows);
    rows.push_back(spamgate::make_submission_record(id, s, v, spamgate::TimePoint{std::chrono::seconds(created)}));
  }
  return rows;
}

// GET `path` from the node with the shared secret; the time it took in ms, or -1 when it was not a 200.
double timed_get(spamgate::FastCgiClient& client, const std::string& path, const std::string& query) {
  const spamgate::fcgi::Params params = {
      {"REQUEST_METHOD", "GET"},   {"REQUEST_URI", path + "?" + query}, {"DOCUMENT_URI", path},
      {"SCRIPT_NAME", path},       {"QUERY_STRING", query},             {"CONTENT_LENGTH", "0"},
      {"REMOTE_ADDR", "127.0.0.1"}, {"SERVER_PROTOCOL", "HTTP/1.1"},     {"GATEWAY_INTERFACE", "CGI/1.1"},
      {"HTTP_AUTHORIZATION", "Bearer " + kSecret}};
  const auto start = std::chrono::steady_clock::now();
  const spamgate::UpstreamResponse response = client.forward(params, "");
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const bool ok = response.output.find("\"partial\":false") != std::string::npos;
  return ok ? ms : -1;
}

}  // namespace

const std::string kReviewFirstPage = "review list from the mirror, 100,000 rows: first page";

// The target is added here, with the figure it reads.
void measure_review_mirror(BenchContext& c) {
  harness::Redis redis;
  harness::PhpFpm fpm(bench_fpm_options());
  harness::SpamgateOptions options;
  options.upstream = fpm.address();
  options.shared_secret = kSecret;
  options.extra_toml = "[shared]\nredis = \"" + redis.url() + "\"\nnode = \"bench1\"\nreview_timeout_ms = " + std::to_string(kTimeoutMs) + "\n";
  harness::SpamgateServer node(options);
  require(node.wait_until_listening(), "spamgate did not start: " + node.log());

  // Filled as the nodes' log writers fill it, with the node's own prefix.
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  spamgate::RedisLinkOptions link_options;
  link_options.endpoint.host = "127.0.0.1";
  link_options.endpoint.port = redis.port();
  link_options.timeout = std::chrono::milliseconds(5000);
  link_options.node = "bench-filler";
  spamgate::RedisLink link(link_options);
  spamgate::ReviewMirror filler(link, {.retention_days = 30, .pending_budget = kRows});
  const auto fill_start = std::chrono::steady_clock::now();
  filler.offer(blocked_rows(now));
  if (spamgate::Status pushed = filler.push(now); !pushed) require(false, "filling the mirror: " + pushed.error());
  const double fill_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count();
  require(filler.mirrored() == kRows, "the mirror holds " + std::to_string(filler.mirrored()) + " rows");
  std::printf("  review mirror: %d rows written in %.1f s (%.0f rows/s, script calls of 256)\n", kRows, fill_s, kRows / fill_s);

  spamgate::UpstreamConfig upstream;
  upstream.address = node.address();
  spamgate::FastCgiClient client(upstream);
  const std::vector<std::pair<std::string, std::string>> queries = {
      {kReviewFirstPage, "held_comments=exclude"},
      {"review list from the mirror, 100,000 rows: rule=CASINO", "held_comments=exclude&rule=CASINO"},
      {"review list from the mirror, 100,000 rows: kind=contact&action=reject", "kind=contact&action=reject"},
      {"review list from the mirror, 100,000 rows: page 500", "held_comments=exclude&page=500"},
      {"review list from the mirror, 100,000 rows: rare rule, since 5 days", "rule=NO_JAPANESE&since=" + std::to_string(now - 5 * 86400)},
  };
  for (const auto& [name, query] : queries) {
    std::vector<double> ms;
    long failed = 0;
    for (int i = 0; i < kAsks; ++i) {
      const double t = timed_get(client, "/spamgate/submissions", query);
      if (t < 0) ++failed;
      else ms.push_back(t);
    }
    WrkFigures f;
    f.ok = failed == 0 && !ms.empty();
    f.error = failed ? std::to_string(failed) + " answers were not a whole-site list" : "";
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms.empty() ? 0 : ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))]; };
    f.requests = static_cast<long>(ms.size());
    f.p50_ms = at(0.50);
    f.p90_ms = at(0.90);
    f.p99_ms = at(0.99);
    f.max_ms = ms.empty() ? 0 : ms.back();
    double total = 0;
    for (double t : ms) total += t;
    f.seconds = total / 1000;
    f.rps = total > 0 ? ms.size() / (total / 1000) : 0;
    c.report.add({"review", name, 1, f, "", "GET /spamgate/submissions?" + query});
    if (name == kReviewFirstPage)
      c.report.add_target({"review list from any node, 100,000 blocked kept, p99 (1 conn)", fixed(f.p99_ms, 2) + " ms",
                           "<= 20 ms", f.ok && f.p99_ms <= 20, f.ok});
  }
  // One text search (no index: every candidate row is read), for the record.
  const double search_ms = timed_get(client, "/spamgate/submissions", "held_comments=exclude&q=%E7%95%AA%E5%8F%B7%2099999");
  c.report.add_note("review mirror: a text search (q=) over 100,000 rows took " + fixed(search_ms, 1) +
                    " ms (no index for text: every candidate row is read in the script)");
}

}  // namespace bench
