// scripts/bench: the measurements, one function per section; each starts
// its own servers (stopped when it returns, even on failure), adds rows to
// the report and keeps the figures the targets need.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "system_bench_data.h"
#include "system_bench_report.h"

namespace bench {

struct BenchContext {
  Report report;
  std::string work;        // scratch directory (bodies, wrk logs)
  std::string out_dir;     // where the JSON and chart go
  BodyFiles bodies;
  int seconds = 6;         // length of one wrk run
  // Figures the targets read (negative = not measured).
  double rows_dropped = -1;
  double rss_default_mib = -1, rss_list_mib = -1, rss_reload_peak_mib = -1;
  std::vector<double> reload_ms;
  long reload_dropped = -1;
  long reload_requests = 0;
};

using Section = std::function<void(BenchContext&)>;

// Runs `section`; an exception becomes a note in the report.
void run_section(const std::string& name, BenchContext& context, const Section& section);

// 1. nginx return 403, the FastCGI floor and spamgate rejecting spam, side by
// side at 8, 32 and 128 connections; spamgate again with the log batched
// less often.
void measure_reject(BenchContext& context);
// 2. ham comments: nginx -> PHP-FPM directly vs nginx -> spamgate -> PHP-FPM,
// with an upstream pool of 2 kept connections and without reuse.
void measure_pass_through(BenchContext& context);
// Rows of sections 1 and 2 that the targets read.
extern const std::string kSpamgateReject, kSpamgateTrainedReject, kFloorReject, kHamDirect, kHamPooled, kHamFresh, kHamDirectUnix, kHamPooledUnix;
// 2b. A comment burst through spamgate with upstream keepalive 16 against 4
// PHP-FPM workers, then the site's own PHP page straight from nginx.
void measure_fpm_pinning(BenchContext& context);
// 3. WordPress's own wp-comments-post.php receiving the same spam.
void measure_wordpress(BenchContext& context);
// 4. spamgate's memory with the 62,204-entry list, and SIGHUP reloads under load.
void measure_list_and_reload(BenchContext& context);
// 5. nginx upstream keepalive 16 against spamgate with too few and enough threads.
void measure_keepalive(BenchContext& context);
// 6. Shared state (issues 12, 26): one node with its state in SQLite, one with
// [shared] redis (and again with defer_decided = false), two with Redis
// behind one nginx upstream, rejecting spam; ham through the first two.
void measure_redis(BenchContext& context);
// That section's rows (the targets read them).
extern const std::string kRedisSqliteNode, kRedisNode, kRedisTwoNodes;
// 7. One request's profile without wrk (issue 13): callgrind instructions
// and top entries, allocations per request; floor, reject, ham.
void measure_profile(BenchContext& context);
// 8. Forms (issue 22): a CF7 spam message rejected vs the FastCGI floor; a
// POST no route recognises passed through vs nginx -> PHP-FPM directly.
void measure_forms(BenchContext& context);
extern const std::string kCf7Reject, kCf7Floor, kOtherPostDirect, kOtherPostVia;
// 9. The site's review list with [shared] (issue 26): GET /spamgate/submissions
// from the review mirror with 100,000 blocked submissions, one request at a time.
void measure_review_mirror(BenchContext& context);
extern const std::string kReviewFirstPage;
// The targets, from the rows and figures above.
void add_targets(BenchContext& context);

}  // namespace bench
