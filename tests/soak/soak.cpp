// Soak driver: nginx → spamgate → PHP-FPM (echo.php) on loopback, driven
// with a steady, bounded rate of mixed ham and spam comments for a given
// time. Passes (exit 0) when no request got a 5xx or failed, spamgate's
// resident memory grew less than 5% after warm-up, and its open file
// descriptors did not grow. Prints the figures either way.
//   soak [seconds=60] [requests-per-second=200]
// Not a ctest test: scripts/soak runs it for 10 minutes, scripts/test for 60 s.
#define DOCTEST_CONFIG_IMPLEMENT  // the harness reports through doctest; no test runner here
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/http_client.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/proc_stats.h"
#include "harness/spamgate_server.h"
#include "support/site_rules.h"

using namespace harness;
using Clock = std::chrono::steady_clock;

namespace {

const char* kHam[] = {
    "Thanks for the write-up, the second example helped me a lot with my own setup.",
    "I tried this on Debian and it worked, though I had to restart the service twice.",
    "Could you say more about how the cache behaves when the disk is nearly full?",
    "Great post. Small typo in the third paragraph: 'their' should be 'there'.",
};
const char* kSpam[] = {
    "Buy cheap viagra and cialis online, best prices, visit http://pharma.example/buy now",
    "casino bonus!!! http://a.example http://b.example http://c.example http://d.example",
    "[url=http://spam.example]cheap loans[/url] [url=http://spam.example/2]fast cash[/url]",
};

struct Sample {
  double at_seconds;
  long rss_kib;
  long fds;
};

class Driver {
 public:
  Driver(const std::string& url, int threads, double rate) : url_(url), threads_(threads), rate_(rate) {}

  void start() {
    for (int t = 0; t < threads_; ++t)
      workers_.emplace_back([this, t] {
        const auto interval = std::chrono::duration<double>(threads_ / rate_);
        auto next = Clock::now();
        for (long i = 0; !stop_.load(); ++i) {
          if (paused_.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            next = Clock::now();
            continue;
          }
          const bool spam = (i + t) % 4 == 0;
          // A bounded variety of bodies (16 threads x 100): spamgate remembers
          // up to 100,000 body hashes for DUPLICATE, a bounded LRU that
          // all-distinct bodies would take ~500 s at 200/s to fill, which
          // would look like growth. Their memory is bounded by design.
          const std::string text = std::string(spam ? kSpam[i % 3] : kHam[i % 4]) + " #" + std::to_string(t) + "." +
                                   std::to_string(i % 100);
          const HttpResponse response = http_post_form(
              url_, {{"comment", text}, {"author", spam ? "Cheap Pills" : "Ann Example"},
                     {"email", "visitor" + std::to_string(t) + "@example.org"}, {"comment_post_ID", "1"}});
          record(response);
          next += std::chrono::duration_cast<Clock::duration>(interval);
          std::this_thread::sleep_until(next);
        }
      });
  }
  void pause(bool paused) { paused_ = paused; }
  void stop() {
    stop_ = true;
    for (auto& worker : workers_) worker.join();
  }
  std::map<long, long> statuses() {
    std::lock_guard lock(mutex_);
    return statuses_;
  }
  long total() {
    std::lock_guard lock(mutex_);
    return total_;
  }
  double latency_quantile(double q) {
    std::lock_guard lock(mutex_);
    if (latencies_.empty()) return 0;
    std::vector<double> sorted = latencies_;
    std::sort(sorted.begin(), sorted.end());
    return sorted[static_cast<size_t>(q * (sorted.size() - 1))];
  }

 private:
  void record(const HttpResponse& response) {
    std::lock_guard lock(mutex_);
    ++statuses_[response.status];
    ++total_;
    latencies_.push_back(response.seconds);
  }

  std::string url_;
  int threads_;
  double rate_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> paused_{false};
  std::mutex mutex_;
  std::map<long, long> statuses_;
  long total_ = 0;
  std::vector<double> latencies_;
  std::vector<std::thread> workers_;
};

// Resident memory and descriptors with the load paused and drained, so
// in-flight connections do not count.
Sample quiet_sample(Driver& driver, pid_t pid, Clock::time_point start) {
  driver.pause(true);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  Sample sample{std::chrono::duration<double>(Clock::now() - start).count(), rss_kib(pid), open_fd_count(pid)};
  driver.pause(false);
  return sample;
}

}  // namespace

int main(int argc, char** argv) {
  const bool help = argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0);
  if (help || (argc > 1 && std::atoi(argv[1]) <= 0)) {
    std::fprintf(help ? stdout : stderr, "usage: soak [SECONDS=60] [REQUESTS_PER_SECOND=200]  (scripts/soak builds and runs it)\n");
    return help ? 0 : 2;
  }
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 60;
  const double rate = argc > 2 ? std::atof(argv[2]) : 200;
  // Bounded caches fill during the first ~30 s at 200/s (SQLite's page cache,
  // 2 MiB per connection, as the submissions table grows; glibc's per-thread
  // arenas): about 1 MiB that is not a leak, so measure growth after that.
  const int warm_up = std::max(30, seconds / 5);

  PhpFpmOptions fpm_options;
  fpm_options.children = 12;  // above spamgate's threads: each kept-alive connection pins a PHP-FPM worker
  PhpFpm fpm(fpm_options);
  SpamgateServer spamgate(SpamgateOptions{fpm.address(), "", true, spamgate::testing::kRelaxedChecks, "", 8});
  Nginx nginx(NginxOptions{echo_comment_location(spamgate.address())});
  if (!fpm.wait_until_listening() || !spamgate.wait_until_listening() || !nginx.wait_until_listening()) {
    std::fprintf(stderr, "soak: a server did not start\n%s\n%s\n", spamgate.log().c_str(), nginx.error_log().c_str());
    return 2;
  }

  const pid_t pid = spamgate.pid();
  std::printf("soak: %d s at %.0f requests/s (warm-up %d s), spamgate pid %d\n", seconds, rate, warm_up, pid);
  Driver driver(nginx.url("/wp-comments-post.php"), 16, rate);
  const auto start = Clock::now();
  driver.start();
  std::this_thread::sleep_for(std::chrono::seconds(warm_up));
  const Sample base = quiet_sample(driver, pid, start);
  std::printf("after warm-up: %.0f s, VmRSS %ld KiB, %ld fds, %ld requests\n", base.at_seconds, base.rss_kib, base.fds,
              driver.total());
  const auto finish = start + std::chrono::seconds(seconds);
  while (Clock::now() < finish) {
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::seconds(15), finish - Clock::now()));
    std::printf("  %4.0f s: VmRSS %ld KiB, %ld fds, %ld requests\n",
                std::chrono::duration<double>(Clock::now() - start).count(), rss_kib(pid), open_fd_count(pid),
                driver.total());
    std::fflush(stdout);
  }
  const Sample end = quiet_sample(driver, pid, start);
  driver.stop();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  long errors = 0;
  std::printf("requests: %ld in %.0f s (%.1f/s); statuses:", driver.total(), elapsed, driver.total() / elapsed);
  for (const auto& [status, count] : driver.statuses()) {
    std::printf(" %ld=%ld", status, count);
    if (status == 0 || status >= 500 || (status != 200 && status != 403)) errors += count;
  }
  const double growth = 100.0 * static_cast<double>(end.rss_kib - base.rss_kib) / static_cast<double>(base.rss_kib);
  std::printf("\nlatency: p50 %.1f ms, p99 %.1f ms\n", 1000 * driver.latency_quantile(0.5),
              1000 * driver.latency_quantile(0.99));
  std::printf("VmRSS: %ld KiB after warm-up, %ld KiB at the end (%+.2f%%); fds: %ld -> %ld\n", base.rss_kib,
              end.rss_kib, growth, base.fds, end.fds);

  bool ok = true;
  if (errors > 0) ok = false, std::printf("FAIL: %ld requests failed or got an unexpected status\n", errors);
  if (growth >= 5.0) ok = false, std::printf("FAIL: VmRSS grew %.2f%% after warm-up (limit 5%%)\n", growth);
  if (end.fds > base.fds) ok = false, std::printf("FAIL: open descriptors grew from %ld to %ld\n", base.fds, end.fds);
  if (!spamgate.running()) ok = false, std::printf("FAIL: spamgate exited\n");
  std::printf("%s\n", ok ? "soak: PASS" : "soak: FAIL");
  return ok ? 0 : 1;
}
