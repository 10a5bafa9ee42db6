// Faults under load through real servers (nginx → spamgate → PHP-FPM): a
// rule file replaced by broken ones while comments keep coming, and PHP-FPM
// killed outright (SIGKILL, master and workers) in the middle of traffic.
// No request may fail in a way a user would not understand, and spamgate
// must keep serving and recover on its own.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "harness/echo_stack.h"
#include "harness/http_client.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/spamgate_server.h"
#include "support/site_rules.h"

using namespace harness;
using namespace std::chrono_literals;

namespace {

const char* kRules = "body TEST_SPAM /\\bspamword\\b/i\nscore TEST_SPAM 20\n";
// More PHP workers than spamgate has threads: every connection spamgate
// keeps alive pins a PHP-FPM worker (see src/upstream/fastcgi_client.h).
PhpFpmOptions roomy_pool() {
  PhpFpmOptions options;
  options.children = 6;
  return options;
}

struct Stack : EchoStack {
  Stack() : EchoStack(SpamgateOptions{"", kRules, false, spamgate::testing::kRelaxedChecks, "", 4}, roomy_pool()) {}
};

// Posts ham and spam from `threads` clients until stopped; counts statuses,
// and keeps the body of every 502 for the caller to inspect.
class Load {
 public:
  Load(const Stack& stack, int threads) {
    for (int t = 0; t < threads; ++t)
      workers_.emplace_back([this, &stack, t] {
        for (int i = 0; !stop_.load(); ++i) {
          const bool spam = i % 3 == 0;
          auto response = http_post_form(stack.url("/wp-comments-post.php"),
                                         comment_fields((spam ? "spamword offer " : "a kind remark ") + std::to_string(t * 100000 + i)));
          std::lock_guard lock(mutex_);
          const long expected = spam ? 403 : 200;
          ++counts_[response.status == expected ? 0 : response.status];
          if (response.status == 502) bad_gateway_bodies_.push_back(response.body);
        }
      });
  }
  ~Load() { finish(); }
  void finish() {
    stop_ = true;
    for (auto& worker : workers_)
      if (worker.joinable()) worker.join();
  }
  // Status → count; key 0 counts answers that were what the content deserved.
  std::map<long, int> counts() {
    std::lock_guard lock(mutex_);
    return counts_;
  }
  // How many answers had `status` (0: what the content deserved).
  int count(long status) {
    std::lock_guard lock(mutex_);
    const auto found = counts_.find(status);
    return found == counts_.end() ? 0 : found->second;
  }
  // Waits until `more` further answers with `status` have come in, or 10 s
  // have passed: it paces the test; what the answers were is checked at the end.
  void wait_for_more(long status, int more) {
    const int target = count(status) + more;
    eventually([&] { return count(status) >= target; }, 10s);
  }
  std::vector<std::string> bad_gateway_bodies() {
    std::lock_guard lock(mutex_);
    return bad_gateway_bodies_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::map<long, int> counts_;
  std::vector<std::string> bad_gateway_bodies_;
  std::vector<std::thread> workers_;
};

std::string describe(const std::map<long, int>& counts) {
  std::string out;
  for (const auto& [status, n] : counts) out += (status == 0 ? "expected" : std::to_string(status)) + "=" + std::to_string(n) + " ";
  return out;
}

}  // namespace

TEST_CASE("broken rule files under load: no request fails, the old rules stay, file:line is logged") {
  Stack stack;
  Load load(stack, 4);
  const std::vector<std::pair<std::string, std::string>> broken = {
      {"body TEST_SPAM /unclosed(/\n", "local.rules:1: "},
      {std::string(kRules) + "score NOT_DEFINED 3\n", "local.rules:3: "},
      {"# a comment\nthreshold hold banana\n", "local.rules:2: "},
      {std::string(kRules) + "include missing.rules\n", "local.rules:3: "},
  };
  for (const auto& entry : broken) {
    const std::string& where = entry.second;
    write_file(stack.spamgate.rules_path(), entry.first);
    CHECK_MESSAGE(eventually([&] { return stack.spamgate.log().find(where) != std::string::npos; }, 10s), where);
    load.wait_for_more(0, 20);  // requests keep arriving while the broken file sits there
    CHECK(http_post_form(stack.url("/wp-comments-post.php"), comment_fields("spamword still caught")).status == 403);
  }
  load.finish();
  const auto counts = load.counts();
  MESSAGE("answers during broken reloads: " << describe(counts));
  CHECK(counts.size() == 1);
  CHECK(counts.count(0) == 1);
  CHECK(counts.at(0) > 20);
  CHECK(http_get(stack.url("/spamgate/health")).status == 200);
  CHECK(stack.spamgate.running());
}

TEST_CASE("PHP-FPM killed with SIGKILL under load: clear 502s, spamgate serves on and recovers") {
  Stack stack;
  Load load(stack, 4);
  load.wait_for_more(0, 10);  // service before the outage
  stack.fpm.kill9();
  load.wait_for_more(502, 4);  // the load meets the outage
  for (int i = 0; i < 3; ++i) CHECK(http_get(stack.url("/spamgate/health")).status == 200);
  // Spam is still refused without PHP: the verdict needs no upstream.
  CHECK(http_post_form(stack.url("/wp-comments-post.php"), comment_fields("spamword while PHP is dead")).status == 403);
  REQUIRE(stack.fpm.restart());
  CHECK(eventually([&] {
    return http_post_form(stack.url("/wp-comments-post.php"), comment_fields("PHP is back")).status == 200;
  }, 10s));
  load.wait_for_more(0, 10);  // service after it
  load.finish();

  const auto counts = load.counts();
  MESSAGE("answers around the PHP-FPM kill: " << describe(counts));
  for (const auto& entry : counts)
    CHECK_MESSAGE((entry.first == 0 || entry.first == 502), "unexpected status " << entry.first);
  CHECK(counts.count(502) == 1);  // the outage was seen...
  CHECK(counts.at(0) > 10);       // ...and so was service before and after it
  for (const std::string& body : load.bad_gateway_bodies())
    CHECK(body.find("not reachable") != std::string::npos);
  CHECK(stack.spamgate.running());
  CHECK(stack.spamgate.log().find("action=server_error") != std::string::npos);
}
