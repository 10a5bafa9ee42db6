#include <doctest/doctest.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "store/database.h"
#include "store/feedback_log.h"
#include "store/migrations.h"
#include "store/stored_history.h"
#include "store/submission_log.h"
#include "support/temp_dir.h"
#include "support/text_cat.h"
#include "util/json_text.h"

using namespace spamgate;
using namespace std::chrono_literals;
using spamgate::testing::TempStore;

namespace {

int64_t query_int(Database& db, const std::string& sql) {
  Result<Statement> st = db.prepare(sql);
  REQUIRE_MESSAGE(st.ok(), st.error());
  Result<bool> row = st->step();
  REQUIRE_MESSAGE(row.ok(), row.error());
  REQUIRE(*row);
  return st->column_int(0);
}

SubmissionRecord make_row(const std::string& id, int64_t created_at, const std::string& action,
                          const std::string& rules = "") {
  SubmissionRecord r;
  r.id = id;
  r.created_at = created_at;
  r.endpoint = "/wp-comments-post.php";
  r.kind = "comment";
  r.ip = "192.0.2.1";
  r.action = action;
  r.rules = rules;
  nlohmann::json hits = nlohmann::json::array();
  size_t start = 0;
  while (start < rules.size()) {
    size_t end = rules.find(',', start);
    if (end == std::string::npos) end = rules.size();
    hits.push_back({{"rule", rules.substr(start, end - start)}, {"score", 1}, {"detail", ""}});
    start = end + 1;
  }
  r.hits = hits.dump();
  if (action == "hold" || action == "reject") r.content = R"({"body":"hello"})";
  return r;
}

SubmissionLogOptions quiet_options() {
  SubmissionLogOptions options;
  options.flush_interval_ms = 60000;  // only flush() and full batches wake the writer
  return options;
}

}  // namespace

TEST_SUITE("store") {

TEST_CASE("Database opens a file in WAL mode with foreign keys and the chosen synchronous level") {
  TempStore tmp;
  Result<Database> db = Database::open(tmp.store_path());
  REQUIRE_MESSAGE(db.ok(), db.error());
  CHECK(std::filesystem::exists(tmp.store_path()));
  CHECK(query_int(*db, "PRAGMA foreign_keys") == 1);
  CHECK(query_int(*db, "PRAGMA synchronous") == 1);  // NORMAL
  Result<Statement> mode = db->prepare("PRAGMA journal_mode");
  REQUIRE(mode.ok());
  REQUIRE(*mode->step());
  CHECK(mode->column_text(0) == "wal");

  Result<Database> full = Database::open(tmp.store_path(), {Synchronous::full, 1000});
  REQUIRE(full.ok());
  CHECK(query_int(*full, "PRAGMA synchronous") == 2);  // FULL
}

TEST_CASE("Database reports SQLite's message for bad SQL and bad binds") {
  TempStore tmp;
  Result<Database> db = Database::open(tmp.store_path());
  REQUIRE(db.ok());
  Result<Statement> bad = db->prepare("SELEC 1");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("syntax error") != std::string::npos);
  Result<Statement> st = db->prepare("SELECT ?1");
  REQUIRE(st.ok());
  st->bind(2, int64_t{5});
  Result<bool> row = st->step();
  REQUIRE_FALSE(row.ok());
  CHECK(row.error().find("bind") != std::string::npos);
  Result<Database> dir = Database::open("/proc/no-such-dir/x.db");
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.error().rfind("/proc/no-such-dir/x.db: ", 0) == 0);
}

TEST_CASE("a new store and its -wal and -shm are readable by their owner only, whatever the umask") {
  TempStore tmp;
  const mode_t previous = umask(022);
  Result<Database> db = Database::open(tmp.store_path());
  umask(previous);
  REQUIRE_MESSAGE(db.ok(), db.error());
  REQUIRE(db->exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('山田')").ok());
  for (const char* part : {"", "-wal", "-shm"}) {
    INFO(part);
    struct stat info {};
    REQUIRE(stat((tmp.store_path() + part).c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
  }
}

TEST_CASE("a Transaction rolls back unless committed") {
  TempStore tmp;
  Result<Database> db = Database::open(tmp.store_path());
  REQUIRE(db->exec("CREATE TABLE t (x INTEGER)").ok());
  {
    Result<Transaction> tx = Transaction::begin(*db);
    REQUIRE(tx.ok());
    REQUIRE(db->exec("INSERT INTO t VALUES (1)").ok());
  }
  CHECK(query_int(*db, "SELECT count(*) FROM t") == 0);
  Result<Transaction> tx = Transaction::begin(*db);
  REQUIRE(db->exec("INSERT INTO t VALUES (2)").ok());
  REQUIRE(tx->commit().ok());
  CHECK(query_int(*db, "SELECT count(*) FROM t") == 1);
}

TEST_CASE("migrations build the schema from an empty file and are idempotent") {
  TempStore tmp;
  Result<Database> db = open_store(tmp.store_path());
  REQUIRE_MESSAGE(db.ok(), db.error());
  CHECK(query_int(*db, "PRAGMA user_version") == latest_schema_version());
  CHECK(latest_schema_version() == static_cast<int>(migrations().size()));
  for (const char* table : {"submissions", "rate_limits", "body_hashes", "feedback"})
    CHECK(query_int(*db, std::string("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='") + table +
                             "'") == 1);
  REQUIRE(migrate(*db).ok());
  CHECK(query_int(*db, "PRAGMA user_version") == latest_schema_version());

  for (size_t i = 0; i < migrations().size(); ++i) CHECK(migrations()[i].version == static_cast<int>(i) + 1);
}

TEST_CASE("migrations bring a version-1 file up to date and keep its rows") {
  TempStore tmp;
  {
    Result<Database> db = Database::open(tmp.store_path());
    REQUIRE(db->exec(migrations().front().sql).ok());
    REQUIRE(db->exec("PRAGMA user_version = 1").ok());
    REQUIRE(db->exec("INSERT INTO rate_limits VALUES ('192.0.2.7', 2.5, 100)").ok());
  }
  Result<Database> db = open_store(tmp.store_path());
  REQUIRE_MESSAGE(db.ok(), db.error());
  CHECK(query_int(*db, "PRAGMA user_version") == latest_schema_version());
  CHECK(query_int(*db, "SELECT count(*) FROM rate_limits WHERE ip = '192.0.2.7'") == 1);
}

TEST_CASE("a database newer than this build is refused, untouched") {
  TempStore tmp;
  int newer = latest_schema_version() + 1;
  {
    Result<Database> db = Database::open(tmp.store_path());
    REQUIRE(db->exec("PRAGMA user_version = " + std::to_string(newer)).ok());
  }
  Result<Database> db = open_store(tmp.store_path());
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().find("newer than this spamgate") != std::string::npos);
  CHECK(db.error().find(tmp.store_path()) == 0);
  Result<Database> raw = Database::open(tmp.store_path());
  CHECK(query_int(*raw, "PRAGMA user_version") == newer);
  CHECK(query_int(*raw, "SELECT count(*) FROM sqlite_master") == 0);
}

TEST_CASE("SubmissionLog writes 1,000 records from 4 threads") {
  TempStore tmp;
  ManualClock clock;
  Result<std::unique_ptr<SubmissionLog>> log = SubmissionLog::open(tmp.store_path(), quiet_options(), clock);
  REQUIRE_MESSAGE(log.ok(), log.error());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 250; ++i)
        (*log)->record(make_row(testing::cat("t", t, "-", i), unix_seconds(clock.now()), "pass"));
    });
  for (std::thread& t : threads) t.join();
  REQUIRE((*log)->flush().ok());
  CHECK((*log)->written() == 1000);
  CHECK((*log)->dropped() == 0);
  Result<std::vector<SubmissionRecord>> rows = (*log)->recent(5000);
  REQUIRE(rows.ok());
  CHECK(rows->size() == 1000);
  for (int t = 0; t < 4; ++t) {
    Result<std::optional<SubmissionRecord>> found = (*log)->find(testing::cat("t", t, "-249"));
    REQUIRE(found.ok());
    CHECK(found->has_value());
  }
}

TEST_CASE("SubmissionLog drops and counts rows when its queue is full, and the destructor flushes") {
  TempStore tmp;
  ManualClock clock;
  SubmissionLogOptions options = quiet_options();
  options.queue_capacity = 10;
  options.batch_rows = 1000;
  options.full_wait = std::chrono::milliseconds(0);  // no waiting for room
  {
    Result<std::unique_ptr<SubmissionLog>> log = SubmissionLog::open(tmp.store_path(), options, clock);
    REQUIRE(log.ok());
    int accepted = 0;
    for (int i = 0; i < 15; ++i) accepted += (*log)->record(make_row(testing::cat("r", i), 1, "pass"));
    CHECK(accepted == 10);
    CHECK((*log)->dropped() == 5);
  }
  Result<Database> db = open_store(tmp.store_path());
  CHECK(query_int(*db, "SELECT count(*) FROM submissions") == 10);
}

TEST_CASE("SubmissionLog makes a full queue wait for the writer instead of dropping rows") {
  TempStore tmp;
  ManualClock clock;
  SubmissionLogOptions options = quiet_options();  // the writer sleeps until woken
  options.queue_capacity = 10;
  options.batch_rows = 1000;
  options.full_wait = std::chrono::seconds(10);
  Result<std::unique_ptr<SubmissionLog>> log = SubmissionLog::open(tmp.store_path(), options, clock);
  REQUIRE(log.ok());
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) accepted += (*log)->record(make_row(testing::cat("w", t, "-", i), 1, "reject"));
    });
  for (auto& thread : threads) thread.join();
  CHECK(accepted == 150);
  CHECK((*log)->dropped() == 0);
  REQUIRE((*log)->flush().ok());
  CHECK((*log)->written() == 150);
}

TEST_CASE("SubmissionLog retention deletes rows older than retention_days, at start and then hourly") {
  TempStore tmp;
  ManualClock clock;
  int64_t now = unix_seconds(clock.now());
  Result<std::unique_ptr<SubmissionLog>> log = SubmissionLog::open(tmp.store_path(), quiet_options(), clock);
  REQUIRE(log.ok());
  (*log)->record(make_row("old", now - 31 * 86400, "hold"));
  (*log)->record(make_row("new", now - 29 * 86400, "hold"));
  REQUIRE((*log)->flush().ok());
  CHECK_FALSE((*log)->find("old")->has_value());
  REQUIRE((*log)->find("new")->has_value());
  CHECK((*log)->find("new")->value().content == std::optional<std::string>(R"({"body":"hello"})"));

  clock.advance(std::chrono::hours(24 * 2));  // "new" is now 31 days old; retention is due again
  REQUIRE((*log)->flush().ok());
  CHECK_FALSE((*log)->find("new")->has_value());
}

TEST_CASE("SubmissionLog stats count per day and action and rank rules, in the plugin's JSON shape") {
  TempStore tmp;
  ManualClock clock(TimePoint{std::chrono::seconds{1'700'000'000}});  // 2023-11-14 22:13:20 UTC
  int64_t now = unix_seconds(clock.now());
  Result<std::unique_ptr<SubmissionLog>> log = SubmissionLog::open(tmp.store_path(), quiet_options(), clock);
  REQUIRE(log.ok());
  (*log)->record(make_row("a", now, "pass"));
  (*log)->record(make_row("b", now - 60, "hold", "PHARMA,LINKS_3"));
  (*log)->record(make_row("c", now - 86400, "reject", "PHARMA,HONEYPOT"));
  (*log)->record(make_row("d", now - 86400, "discard", "PHARMA"));
  (*log)->record(make_row("e", now - 10 * 86400, "reject", "CASINO"));  // outside 7 days
  REQUIRE((*log)->flush().ok());

  Result<SubmissionStats> stats = (*log)->stats(7);
  REQUIRE_MESSAGE(stats.ok(), stats.error());
  REQUIRE(stats->days.size() == 7);
  CHECK(stats->days.back().date == "2023-11-14");
  CHECK(stats->days.front().date == "2023-11-08");
  CHECK(stats->days[6].pass == 1);
  CHECK(stats->days[6].hold == 1);
  CHECK(stats->days[5].reject == 1);
  CHECK(stats->days[5].discard == 1);
  CHECK(stats->days[0].pass + stats->days[0].reject == 0);
  REQUIRE(stats->top_rules.size() == 3);
  CHECK(stats->top_rules[0].rule == "PHARMA");
  CHECK(stats->top_rules[0].hits == 3);

  const nlohmann::json json = *stats;
  CHECK(json["days"].size() == 7);
  CHECK(json["days"][6]["date"] == "2023-11-14");
  CHECK(json["days"][6]["hold"] == 1);
  CHECK(json["top_rules"][0]["rule"] == "PHARMA");
  CHECK(json["top_rules"][0]["hits"] == 3);

  Result<std::vector<SubmissionRecord>> recent = (*log)->recent(2);
  REQUIRE(recent->size() == 2);
  CHECK(recent->at(0).id == "a");
  CHECK(recent->at(1).id == "b");
}

TEST_CASE("make_submission_record keeps content only for what was blocked, with the comment's post and parent") {
  Submission submission;
  submission.author = "Ann";
  submission.body = "buy \xff now";
  submission.ip = "192.0.2.9";
  Verdict verdict;
  verdict.score = 7;
  verdict.hits = {{"PHARMA", 6, "body: viagra"}, {"LINKS_3", 1, "3 links"}};
  ManualClock clock;
  for (Action action : {Action::pass, Action::hold, Action::reject, Action::discard}) {
    verdict.action = action;
    SubmissionRecord r = make_submission_record("id1", submission, verdict, clock.now());
    CHECK(r.rules == "PHARMA,LINKS_3");
    CHECK(r.action == action_name(action));
    CHECK(r.content.has_value() == (action != Action::pass));
    CHECK(nlohmann::json::parse(r.hits).size() == 2);
    const nlohmann::json json = r;
    CHECK(json["hits"][0]["rule"] == "PHARMA");
    if (r.content) CHECK(json["content"]["author"] == "Ann");
    if (r.content) CHECK(json["content"]["post_id"].is_null());
  }
  submission.raw_form = {{"comment_post_ID", "12"}, {"comment_parent", "0"}};
  verdict.action = Action::reject;
  nlohmann::json content = nlohmann::json::parse(*make_submission_record("id2", submission, verdict, clock.now()).content);
  CHECK(content["post_id"] == 12);
  CHECK(content["parent"] == 0);
  submission.raw_form = {{"comment_post_ID", "12; DROP"}};
  content = nlohmann::json::parse(*make_submission_record("id3", submission, verdict, clock.now()).content);
  CHECK(content["post_id"].is_null());
}

TEST_CASE("make_submission_record writes the JSON nlohmann::json would, for any text") {
  // The row's hits and content are written by hand; they must read back as
  // what nlohmann::json dumps (ill-formed UTF-8 replaced by U+FFFD).
  const std::string texts[] = {"",
                               "plain text",
                               "quote \" backslash \\ slash /",
                               std::string("controls \b\f\n\r\t \x01 \x1f \x7f and NUL ") + '\0' + " end",
                               "UTF-8: caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
                               "日本語: 出会い系の広告です、今すぐ登録",
                               "ill-formed: \xC3 \xFF \xED\xA0\x80 \xF0\x9F\x98 end \xC0\xAF",
                               "cut short: \xE0\x80 \xF4\x90\x80\x80 \xE2\x82\xF0\x9F\x98\x80 \xE2\x82",
                               "\xF0\x9F\x98"};
  Submission submission;
  ManualClock clock;
  for (const std::string& text : texts) {
    CAPTURE(text);
    submission.author = text;
    submission.email = text + "@example.org";
    submission.url = text;
    submission.body = text + text;
    submission.raw_form = {{"comment_post_ID", "123456789012345678"}, {"comment_parent", "7"}};
    Verdict verdict;
    verdict.action = Action::reject;
    verdict.hits = {{"RULE_" + text, 2.5, "body: " + text}, {"WHOLE", 22, text}, {"TINY", 0.1, ""}};
    const SubmissionRecord record = make_submission_record("id", submission, verdict, clock.now());

    CHECK(record.hits == json_text(nlohmann::json(verdict.hits)));  // as Hit's to_json writes them
    const nlohmann::json content = {{"author", submission.author}, {"email", submission.email},
                                    {"url", submission.url},       {"subject", submission.subject},
                                    {"body", submission.body},     {"post_id", 123456789012345678},
                                    {"parent", 7}};
    REQUIRE(record.content);
    CHECK(*record.content == json_text(content));
  }
}

TEST_CASE("StoredHistory token buckets: burst, refusal, refill, per IP") {
  StoredHistory history;
  ManualClock clock;
  for (int i = 0; i < 3; ++i) CHECK(history.take_rate_token("192.0.2.1", 6, 3, clock.now()));
  CHECK_FALSE(history.take_rate_token("192.0.2.1", 6, 3, clock.now()));
  CHECK(history.take_rate_token("192.0.2.2", 6, 3, clock.now()));  // another IP has its own bucket
  clock.advance(5s);  // half a token
  CHECK_FALSE(history.take_rate_token("192.0.2.1", 6, 3, clock.now()));
  clock.advance(5s);  // one token in all (refusals do not cost)
  CHECK(history.take_rate_token("192.0.2.1", 6, 3, clock.now()));
  CHECK_FALSE(history.take_rate_token("192.0.2.1", 6, 3, clock.now()));
  clock.advance(std::chrono::minutes(10));  // refills to the burst, not beyond
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += history.take_rate_token("192.0.2.1", 6, 3, clock.now());
  CHECK(allowed == 3);
}

TEST_CASE("StoredHistory gives exactly the burst to many threads racing on one IP") {
  StoredHistory history;
  ManualClock clock;
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) allowed += history.take_rate_token("198.51.100.1", 0, 50, clock.now());
    });
  for (std::thread& t : threads) t.join();
  CHECK(allowed == 50);
}

TEST_CASE("StoredHistory duplicates within and outside the window") {
  StoredHistory history;
  ManualClock clock;
  CHECK_FALSE(history.seen_recently(42, 60, clock.now()));
  clock.advance(30s);
  CHECK(history.seen_recently(42, 60, clock.now()));
  CHECK_FALSE(history.seen_recently(43, 60, clock.now()));
  clock.advance(61s);  // 61 s after the last sighting
  CHECK_FALSE(history.seen_recently(42, 60, clock.now()));
  CHECK(history.seen_recently(42, 60, clock.now()));
}

TEST_CASE("StoredHistory survives a restart through SQLite") {
  TempStore tmp;
  ManualClock clock;
  uint64_t big_hash = 0xfedcba9876543210ULL;  // above INT64_MAX: stored as signed
  {
    StoredHistory history;
    SubmissionLogOptions options = quiet_options();
    Result<std::unique_ptr<SubmissionLog>> log =
        SubmissionLog::open(tmp.store_path(), options, clock, {history.persist_task(clock, 30s)});
    REQUIRE(log.ok());
    for (int i = 0; i < 3; ++i) history.take_rate_token("203.0.113.5", 6, 3, clock.now());
    history.seen_recently(big_hash, 3600, clock.now());
  }  // the log's shutdown runs the persist task
  clock.advance(1s);
  StoredHistory restarted;
  Result<Database> db = open_store(tmp.store_path());
  REQUIRE(db.ok());
  REQUIRE(restarted.load(*db, clock.now()).ok());
  CHECK(restarted.ip_count() == 1);
  CHECK_FALSE(restarted.take_rate_token("203.0.113.5", 6, 3, clock.now()));  // still empty
  CHECK(restarted.seen_recently(big_hash, 3600, clock.now()));
  clock.advance(10s);
  CHECK(restarted.take_rate_token("203.0.113.5", 6, 3, clock.now()));  // refills from the saved time
}

TEST_CASE("StoredHistory persists periodically by the clock and prunes expired rows") {
  TempStore tmp;
  ManualClock clock;
  StoredHistory history;
  Result<std::unique_ptr<SubmissionLog>> log =
      SubmissionLog::open(tmp.store_path(), quiet_options(), clock, {history.persist_task(clock, 30s)});
  REQUIRE(log.ok());
  Result<Database> db = open_store(tmp.store_path());
  history.take_rate_token("192.0.2.1", 6, 3, clock.now());
  history.seen_recently(7, 3600, clock.now());
  REQUIRE((*log)->flush().ok());
  CHECK(query_int(*db, "SELECT count(*) FROM rate_limits") == 0);  // not due yet
  clock.advance(31s);
  REQUIRE((*log)->flush().ok());
  CHECK(query_int(*db, "SELECT count(*) FROM rate_limits") == 1);
  CHECK(query_int(*db, "SELECT count(*) FROM body_hashes") == 1);
  clock.advance(std::chrono::hours(25));  // past bucket_keep_seconds and hash_keep_seconds
  REQUIRE((*log)->flush().ok());
  CHECK(query_int(*db, "SELECT count(*) FROM rate_limits") == 0);
  CHECK(query_int(*db, "SELECT count(*) FROM body_hashes") == 0);
}

TEST_CASE("StoredHistory stays within its caps under a wave from many IPs and bodies") {
  StoredHistoryOptions options;
  options.max_ips = 64;
  options.max_hashes = 64;
  StoredHistory history(options);
  ManualClock clock;
  for (int i = 0; i < 3; ++i) history.take_rate_token("10.0.0.1", 1, 3, clock.now());
  for (int i = 0; i < 5000; ++i) {
    history.take_rate_token("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256), 1, 3, clock.now());
    history.seen_recently(static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ULL, 3600, clock.now());
    if (i % 2 == 0) history.take_rate_token("10.0.0.1", 1, 3, clock.now());  // an active spammer stays known
  }
  CHECK(history.ip_count() <= 64);
  CHECK(history.hash_count() <= 64);
  CHECK_FALSE(history.take_rate_token("10.0.0.1", 1, 3, clock.now()));
}

TEST_CASE("StoredHistory forgets full buckets and old hashes as it goes") {
  StoredHistory history;
  ManualClock clock;
  for (int i = 0; i < 100; ++i) {
    history.take_rate_token("10.2.0." + std::to_string(i), 6, 3, clock.now());
    history.seen_recently(static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ULL, 600, clock.now());
  }
  CHECK(history.ip_count() == 100);
  clock.advance(std::chrono::hours(25));  // every bucket full again, every hash older than a day
  for (int i = 0; i < 200; ++i) {
    history.take_rate_token("10.3.0." + std::to_string(i), 6, 3, clock.now());
    history.seen_recently(static_cast<uint64_t>(i + 1000) * 0x9E3779B97F4A7C15ULL, 600, clock.now());
  }
  CHECK(history.ip_count() == 200);
  CHECK(history.hash_count() == 200);
}

TEST_CASE("FeedbackLog records decisions and lists the newest first") {
  TempStore tmp;
  Result<std::unique_ptr<FeedbackLog>> feedback = FeedbackLog::open(tmp.store_path());
  REQUIRE_MESSAGE(feedback.ok(), feedback.error());
  FeedbackRecord f;
  f.created_at = 100;
  f.submission_id = "req-1";
  f.comment_id = 17;
  f.decision = "spam";
  f.author = "Bob";
  f.body = "cheap pills";
  f.source = "wordpress";
  Result<int64_t> first = (*feedback)->record(f);
  REQUIRE_MESSAGE(first.ok(), first.error());
  f.created_at = 200;
  f.decision = "ham";
  f.comment_id.reset();
  REQUIRE((*feedback)->record(f).ok());
  f.decision = "maybe";
  Result<int64_t> bad = (*feedback)->record(f);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("spam, ham or approve") != std::string::npos);

  Result<std::vector<FeedbackRecord>> rows = (*feedback)->recent(10);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK(rows->at(0).decision == "ham");
  CHECK_FALSE(rows->at(0).comment_id.has_value());
  CHECK(rows->at(1).id == *first);
  CHECK(rows->at(1).comment_id == std::optional<int64_t>(17));
  CHECK(nlohmann::json(rows->at(1))["author"] == "Bob");
}

TEST_CASE("FeedbackLog: the latest decision per comment is in effect; forget deletes; the signature follows changes") {
  TempStore tmp;
  auto feedback = FeedbackLog::open(tmp.store_path());
  REQUIRE_MESSAGE(feedback.ok(), feedback.error());
  FeedbackLog& log = **feedback;
  auto decision = [](std::optional<int64_t> comment, std::string submission, std::string label, std::string body) {
    FeedbackRecord f;
    f.comment_id = comment;
    f.submission_id = std::move(submission);
    f.decision = std::move(label);
    f.body = std::move(body);
    f.source = "history";
    return f;
  };
  const LogMark empty_log = log.added_after(0)->mark;
  Result<int64_t> replaced = log.record_all({decision(1, "", "ham", "first"), decision(2, "s2", "spam", "second"),
                                             decision(std::nullopt, "s3", "spam", "third")});
  REQUIRE_MESSAGE(replaced.ok(), replaced.error());
  CHECK(*replaced == 0);
  CHECK(log.added_after(0)->mark == LogMark{3, 3});
  CHECK_FALSE(log.added_after(0)->mark == empty_log);
  // The owner reverses comment 1 and re-sends comment 2: each replaces, none counts twice.
  replaced = log.record_all({decision(1, "", "spam", "first"), decision(2, "s2", "spam", "second")});
  REQUIRE(replaced.ok());
  CHECK(*replaced == 2);
  auto labels = log.labels();
  REQUIRE(labels.ok());
  REQUIRE(labels->size() == 3);
  CHECK(labels->at(0).body == "third");
  CHECK(labels->at(1).body == "first");
  CHECK(labels->at(1).decision == "spam");
  CHECK(labels->at(2).body == "second");

  FeedbackRecord contact = decision(std::nullopt, "", "ham", "hello");
  contact.kind = "letter";
  CHECK_FALSE(log.record(contact).ok());  // nothing of a bad batch is stored
  CHECK_FALSE(log.record_all({decision(9, "", "ham", "x"), decision(10, "", "nonsense", "y")}).ok());
  CHECK(log.labels()->size() == 3);

  const LogMark before = log.added_after(0)->mark;
  CHECK(*log.forget("s3") == 1);
  CHECK(*log.forget("1") == 2);  // comment 1: both of its decisions
  CHECK(*log.forget("nothing") == 0);
  const LogDelta after = *log.added_after(before.newest_id);
  CHECK(after.added.empty());
  CHECK(after.mark.rows == before.rows - 3);  // deleted rows show as a count that fell behind the ids
  CHECK(log.marked_labels()->mark == after.mark);
  labels = log.labels();
  REQUIRE(labels->size() == 1);
  CHECK(labels->at(0).body == "second");
}

// Prints figures, asserts nothing about speed. Run with:
//   ./build/unit_tests -tc="store micro-measurement" --no-skip
TEST_CASE("store micro-measurement" * doctest::skip()) {
  TempStore tmp(TempStore::Medium::disk);
  SystemClock clock;
  SubmissionLogOptions options = quiet_options();
  options.queue_capacity = 200000;  // measure the path, not drops
  Result<std::unique_ptr<SubmissionLog>> log = SubmissionLog::open(tmp.store_path(), options, clock);
  REQUIRE(log.ok());
  constexpr int kRows = 100000;
  std::vector<SubmissionRecord> rows;
  rows.reserve(kRows);
  for (int i = 0; i < kRows; ++i)
    rows.push_back(make_row(testing::cat("m", i), unix_seconds(clock.now()), "hold", "PHARMA,LINKS_3"));
  auto t0 = std::chrono::steady_clock::now();
  for (SubmissionRecord& r : rows) (*log)->record(std::move(r));  // the writer runs alongside
  auto t1 = std::chrono::steady_clock::now();
  REQUIRE((*log)->flush().ok());
  auto t2 = std::chrono::steady_clock::now();
  double record_ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / kRows;
  double total_s = std::chrono::duration<double>(t2 - t0).count();
  std::printf("record(): %.0f ns per call; writer: %d rows in %.3f s = %.0f rows/s "
              "(batches of %zu per transaction, synchronous=NORMAL)\n",
              record_ns, kRows, total_s, kRows / total_s, options.batch_rows);
  CHECK((*log)->written() == kRows);
}

}  // TEST_SUITE
