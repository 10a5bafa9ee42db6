// The review budget (store/review_budget.h) driven through a real
// SubmissionLog and SQLite file: a flood of 10,000 honeypot-tripping posts
// with ~60 KB fields, from one address, from thousands with one body, and
// from hundreds with bodies of their own, keeps the kept text under the
// budget; a held comment and a decided reject from before survive it, a
// held comment posted after it is listed, and the review page says how
// many from which address were not kept. Before the budget, every one of
// these posts kept its ~60 KB (about 600 MB in all).
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "form/submission.h"
#include "scoring/verdict.h"
#include "store/submission_log.h"
#include "support/sanitizer.h"
#include "support/temp_dir.h"
#include "util/clock.h"

using namespace spamgate;

namespace {

constexpr int64_t kBudgetBytes = 16LL << 20;

// A comment that tripped the honeypot: ~60 KB in its body (Japanese and
// ASCII), `tag` making it unique unless two posts share it.
SubmissionRecord flood_post(int n, const std::string& ip, const std::string& tag, ManualClock& clock,
                            Action action = Action::reject) {
  Submission s;
  s.author = "業者 " + std::to_string(n);
  s.email = "bot" + std::to_string(n) + "@example.net";
  s.ip = ip;
  s.endpoint = "/wp-comments-post.php";
  s.body = tag + " ";
  while (s.body.size() < 60000) s.body += "格安ブランド品はこちら cheap pills here ";
  Verdict v;
  v.action = action;
  v.score = action == Action::hold ? 6 : 20;
  v.hits = {{action == Action::hold ? "TEST_HOLD" : "HONEYPOT", v.score, ""}};
  char id[17];
  std::snprintf(id, sizeof id, "%016x", n);
  return make_submission_record(id, s, v, clock.now());
}

int64_t file_size(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

}  // namespace

// The flood writes ~60 MB through SQLite: it runs once, in the optimised
// build, not again under the sanitizers (the second case covers the same
// code there).
TEST_CASE("review budget: 10,000 flood posts of ~60 KB keep the store under its budget; held items stay listed" *
          doctest::skip(testing::kUnderAsan)) {
  testing::TempDir dir;
  ManualClock clock;
  SubmissionLogOptions options;
  options.flush_interval_ms = 60000;
  options.budget.per_client_hour = 20;
  options.budget.max_bytes = kBudgetBytes;
  const std::string path = dir / "spamgate.db";
  auto opened = SubmissionLog::open(path, options, clock);
  REQUIRE(opened.ok());
  SubmissionLog& log = **opened;

  // Before the flood: a held comment and a reject the owner confirmed.
  log.record(flood_post(1, "198.51.100.1", "held-before", clock, Action::hold));
  log.record(flood_post(2, "198.51.100.2", "decided-before", clock));
  REQUIRE(log.flush().ok());
  REQUIRE(log.decide("0000000000000002", "spam", 1).ok());

  const auto started = std::chrono::steady_clock::now();
  int n = 100;
  const auto post = [&](const std::string& ip, const std::string& tag) {
    log.record(flood_post(n++, ip, tag, clock));
    if (n % 200 == 0) REQUIRE(log.flush().ok());  // bounds the queue's memory
  };
  for (int i = 0; i < 4000; ++i) post("203.0.113.7", "one-address-" + std::to_string(i));
  for (int i = 0; i < 5000; ++i) post("2001:db8::1:" + std::to_string(i), "same body");
  for (int i = 0; i < 1000; ++i) post("2001:db8::2:" + std::to_string(i / 2), "rotating-" + std::to_string(i));
  REQUIRE(log.flush().ok());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // A held comment posted after the flood.
  log.record(flood_post(99, "198.51.100.9", "held-after", clock, Action::hold));
  REQUIRE(log.flush().ok());

  auto kept = [&] {
    Result<Database> db = Database::open(path);
    REQUIRE(db.ok());
    Result<int64_t> bytes = ReviewBudget::kept_bytes_in(*db);
    REQUIRE(bytes.ok());
    return *bytes;
  }();
  const int64_t store = file_size(path) + file_size(path + "-wal");
  MESSAGE("10,000 flood posts of ~60 KB in " << seconds << " s: kept text " << kept / 1024 << " KiB (budget "
                                             << kBudgetBytes / 1024 << " KiB), store " << store / 1024
                                             << " KiB (database + WAL), " << log.not_kept() << " texts not kept");
  CHECK(kept <= kBudgetBytes + 61 * 1024);  // the last post kept may cross the line until the next batch
  CHECK(store < 3 * kBudgetBytes);
  CHECK(log.not_kept() >= 9000);

  ReviewQuery everything;
  everything.per_page = 100;
  everything.state = ReviewState::any;
  Result<ReviewPage> page = log.review(everything);
  REQUIRE(page.ok());
  REQUIRE_FALSE(page->items.empty());
  CHECK(page->items.front().id == "0000000000000063");  // the held comment posted after the flood, first
  bool held_before = false, decided_before = false;
  ReviewQuery held_query;
  held_query.actions = {"hold"};
  Result<ReviewPage> held = log.review(held_query);
  REQUIRE(held.ok());
  for (const SubmissionRecord& r : held->items) held_before |= r.id == "0000000000000001";
  ReviewQuery decided_query;
  decided_query.state = ReviewState::decided;
  Result<ReviewPage> decided = log.review(decided_query);
  REQUIRE(decided.ok());
  for (const SubmissionRecord& r : decided->items) decided_before |= r.id == "0000000000000002" && r.content;
  CHECK(held_before);
  CHECK(decided_before);
  REQUIRE_FALSE(page->not_kept.empty());
  CHECK(page->not_kept.front().ip == "203.0.113.7");
  // 20 were kept in the hour, the rest not; the total budget then evicted
  // those 20 too, as the oldest unreviewed rejects.
  CHECK(page->not_kept.front().count == 4000);
}

TEST_CASE("review budget: a new hour gives an address its allowance again; identical bodies are kept once") {
  testing::TempDir dir;
  ManualClock clock;
  SubmissionLogOptions options;
  options.budget.per_client_hour = 2;
  auto opened = SubmissionLog::open(dir / "s.db", options, clock);
  REQUIRE(opened.ok());
  SubmissionLog& log = **opened;
  for (int i = 0; i < 5; ++i) log.record(flood_post(i + 1, "203.0.113.7", "t" + std::to_string(i), clock));
  log.record(flood_post(10, "192.0.2.1", "同じ本文", clock));
  log.record(flood_post(11, "192.0.2.2", "同じ本文", clock));
  REQUIRE(log.flush().ok());
  CHECK(log.not_kept() == 4);  // 3 over the allowance, 1 duplicate
  clock.advance(std::chrono::hours(1));
  log.record(flood_post(20, "203.0.113.7", "next hour", clock));
  REQUIRE(log.flush().ok());
  CHECK(log.not_kept() == 4);
  ReviewQuery all;
  all.per_page = 100;
  Result<ReviewPage> page = log.review(all);
  REQUIRE(page.ok());
  CHECK(page->total == 4);  // 2 from the address, 1 of the identical bodies, 1 the next hour
}
