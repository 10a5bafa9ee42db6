// Sections 4-5: spamgate's memory and reload time with the 62,204-entry
// list, and threads against nginx's upstream keepalive.
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "harness/php_fpm.h"
#include "harness/proc_stats.h"
#include "system_bench_sections.h"
#include "system_bench_shared.h"
#include "system_bench_stacks.h"

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;

const std::string kListRules = "list     DISALLOWED_KEYS any " SPAMGATE_CORPUS_DIR
                               "/blocklists/wordpress-comment-blacklist.txt\n"
                               "score    DISALLOWED_KEYS 10\n"
                               "describe DISALLOWED_KEYS WordPress Disallowed Comment Keys (62,204 entries)\n";

long file_size(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 ? static_cast<long>(info.st_size) : 0;
}

// True once `needle` appears in `path` after byte `offset`.
bool appears_after(const std::string& path, long offset, const std::string& needle) {
  std::ifstream in(path);
  in.seekg(offset);
  std::string tail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return tail.find(needle) != std::string::npos;
}

// Sends SIGHUP and returns the milliseconds until "rules reloaded" appears
// in the log (-1 after 10 s).
double timed_reload(BenchSpamgate& spamgate) {
  const long offset = file_size(spamgate.log_path());
  const auto start = Clock::now();
  spamgate.signal(SIGHUP);
  while (Clock::now() - start < std::chrono::seconds(10)) {
    if (appears_after(spamgate.log_path(), offset, "msg=\"rules reloaded\"") ||
        appears_after(spamgate.log_path(), offset, "msg=rules reloaded"))
      return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  return -1;
}

}  // namespace

void measure_list_and_reload(BenchContext& c) {
  harness::PhpFpm fpm(bench_fpm_options());
  require(fpm.wait_until_listening(), "PHP-FPM did not start: " + fpm.error_log());
  const auto start = Clock::now();
  BenchSpamgate spamgate({fpm.address(), 16, kListRules});
  require(spamgate.wait_until_listening(), "spamgate did not start: " + spamgate.log());
  const double startup_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  const double idle_mib = harness::rss_kib(spamgate.pid()) / 1024.0;
  harness::Nginx nginx(bench_nginx(harness::fastcgi_location("= /wp-comments-post.php", spamgate.address())));
  require(nginx.wait_until_listening(), "nginx did not start: " + nginx.error_log());
  const std::string base = nginx.url("");

  const WrkFigures warm = load(c, base, "/wp-comments-post.php", c.bodies.spam, 32, spamgate.pid());
  const double loaded_mib = harness::peak_rss_kib(spamgate.pid()) / 1024.0;
  c.rss_list_mib = loaded_mib;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double idle_reload_ms = timed_reload(spamgate);  // no load: the reload's own cost
  const Row* sg32 = c.report.find("reject", "spamgate, default.rules, 16 threads", 32);
  c.report.add({"list", "spamgate + 62k-entry list", 32, warm, sg32 ? ratio(warm, sg32->figures, "no list") : "",
                "RSS idle " + fixed(idle_mib, 1) + " MiB, peak under load " + fixed(loaded_mib, 1) +
                    " MiB; start " + fixed(startup_ms, 0) + " ms; reload idle " + fixed(idle_reload_ms, 0) + " ms"});

  // Three SIGHUP reloads while wrk runs; every answer is counted by status.
  WrkLoad reload_load{base, "/wp-comments-post.php", c.bodies.spam, 32, c.seconds + 2, true};
  WrkRun run(reload_load, c.work + "/wrk-reload.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  for (int i = 0; i < 3; ++i) {
    c.reload_ms.push_back(timed_reload(spamgate));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  }
  const WrkFigures during = run.finish();
  c.rss_reload_peak_mib = harness::peak_rss_kib(spamgate.pid()) / 1024.0;
  const double after_mib = harness::rss_kib(spamgate.pid()) / 1024.0;
  std::string times;
  for (double ms : c.reload_ms) times += (times.empty() ? "" : ", ") + fixed(ms, 0);
  if (during.ok) {
    c.reload_dropped = during.socket_errors + during.s5xx;
    c.reload_requests = during.requests;
  }
  c.report.add({"list", "spamgate + 62k list, 3 SIGHUP reloads", 32, during, "",
                "reloads " + times + " ms; RSS peak " + fixed(c.rss_reload_peak_mib, 1) + " MiB, after " +
                    fixed(after_mib, 1) + " MiB; 4xx " +
                    std::to_string(during.s4xx) + ", 2xx/3xx " + std::to_string(during.s2xx + during.s3xx)});
  c.report.add_extra("list", {{"entries", 62204}, {"startup_ms", startup_ms}, {"idle_rss_mib", idle_mib},
                              {"serving_peak_rss_mib", c.rss_list_mib},
                              {"reload_peak_rss_mib", c.rss_reload_peak_mib}, {"rss_after_reloads_mib", after_mib},
                              {"idle_reload_ms", idle_reload_ms}, {"reload_under_load_ms", c.reload_ms}});
}

void measure_keepalive(BenchContext& c) {
  harness::PhpFpm fpm(bench_fpm_options());
  require(fpm.wait_until_listening(), "PHP-FPM did not start: " + fpm.error_log());
  const WrkFigures* baseline = nullptr;
  WrkFigures first;
  // {threads, keepalive}: too few threads; the default threads with the
  // deploy/nginx example's keepalive before (8) and after (4) this benchmark;
  // exactly worker_processes x keepalive; twice that.
  for (const auto& [threads, keepalive] :
       {std::pair{4, 16}, std::pair{16, 8}, std::pair{16, 4}, std::pair{32, 16}, std::pair{64, 16}}) {
    BenchSpamgate spamgate({fpm.address(), threads});
    require(spamgate.wait_until_listening(), "spamgate did not start: " + spamgate.log());
    harness::Nginx nginx(bench_nginx(
        harness::fastcgi_location("= /wp-comments-post.php", "spamgate_pool", "  fastcgi_keep_conn on;\n"),
        "upstream spamgate_pool {\n  server " + spamgate.address() + ";\n  keepalive " + std::to_string(keepalive) +
            ";\n}\n"));
    require(nginx.wait_until_listening(), "nginx did not start: " + nginx.error_log());
    WrkLoad ka_load{nginx.url(""), "/wp-comments-post.php", c.bodies.spam, 32, c.seconds, false, false, "2s"};
    const WrkFigures figures = run_wrk(ka_load, c.work + "/wrk-keepalive-" + std::to_string(threads) + "-" + std::to_string(keepalive) + ".log");
    c.report.add({"keepalive",
                  "threads=" + std::to_string(threads) + ", keepalive " + std::to_string(keepalive) + " x 2 nginx workers",
                  32, figures,
                  baseline ? ratio(figures, *baseline, "threads=4") : "",
                  figures.ok ? std::to_string(figures.socket_errors) + " timeouts/errors (wrk timeout 2 s)" : ""});
    if (!baseline) {
      first = figures;
      baseline = &first;
    }
  }
}

}  // namespace bench
