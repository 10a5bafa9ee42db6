// A cluster's nodes on a real redis-server (Debian's, on a free loopback
// port; skipped when it is not installed): commands issued at the same time
// by many request threads share one pipeline and each gets its own reply;
// forgetting a decision names it by a key every node shares; an erased
// address stays erased when a node joins with a history that holds it.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "learning/feedback_channel.h"
#include "learning/fuzzy_teacher.h"
#include "learning/learner.h"
#include "scoring/fuzzy/fuzzy_memory.h"
#include "shared/erased_addresses.h"
#include "shared/node_positions.h"
#include "shared/review_mirror.h"
#include "shared/shared_status.h"
#include "store/feedback_log.h"
#include "store/submission_log.h"
#include "store/submission_record.h"
#include "support/redis_test_server.h"
#include "support/temp_dir.h"
#include "util/clock.h"

namespace spamgate {
namespace {

using testing::have_redis;
using testing::link_to;
using testing::RedisServer;
using testing::unused_port;

// The decisions in effect in `log`, by comment id.
std::map<int64_t, std::string> decisions_by_comment(FeedbackLog& log) {
  auto rows = log.labels();
  REQUIRE(rows.ok());
  std::map<int64_t, std::string> out;
  for (const FeedbackRecord& row : *rows) out[row.comment_id.value_or(-1)] = row.decision;
  return out;
}

// One node's decisions: its own store and feedback log, and the channel
// that carries them over the shared stream.
struct DecidingNode {
  testing::TempDir dir{"spamgate-cluster"};
  std::unique_ptr<FeedbackLog> log;
  std::unique_ptr<FeedbackChannel> channel;

  // `redis` null: a node on its own, before it joins a cluster.
  explicit DecidingNode(RedisLink* redis, int snapshot_every = 500) { open(redis, snapshot_every); }
  // A restart with the same store (e.g. with [shared] newly configured).
  void open(RedisLink* redis, int snapshot_every = 500) {
    channel.reset();
    log.reset();
    auto opened = FeedbackLog::open(db());
    REQUIRE(opened.ok());
    log = std::move(*opened);
    auto channel_opened = FeedbackChannel::open(db(), *log, redis, nullptr, snapshot_every);
    REQUIRE(channel_opened.ok());
    channel = std::move(*channel_opened);
  }
  std::string db() const { return dir / "spamgate.db"; }
  // The decisions in effect here, by comment id.
  std::map<int64_t, std::string> decisions() { return decisions_by_comment(*log); }
  // The comment ids of the decisions in effect here, oldest first.
  std::vector<int64_t> comment_ids() {
    auto rows = log->labels();
    REQUIRE(rows.ok());
    std::vector<int64_t> ids;
    for (const FeedbackRecord& row : *rows) ids.push_back(row.comment_id.value_or(-1));
    return ids;
  }
};

FeedbackRecord decided(const std::string& verdict, int64_t comment_id, int64_t created_at, const std::string& body) {
  FeedbackRecord f;
  f.decision = verdict;
  f.comment_id = comment_id;
  f.author = "山田 太郎";
  f.body = body;
  f.source = "wordpress";
  f.created_at = created_at;
  return f;
}

FeedbackRecord spam_comment(int64_t comment_id, const std::string& body) {
  FeedbackRecord f;
  f.decision = "spam";
  f.comment_id = comment_id;
  f.author = "山田 太郎";
  f.body = body;
  f.source = "wordpress";
  f.created_at = 1700000000 + comment_id;
  return f;
}

}  // namespace

TEST_CASE("redis link: 16 threads' commands share pipelines and each thread gets its own reply") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link(link_to(server.port(), "a"));
  constexpr int kThreads = 16, kCalls = 200;
  std::atomic<int> right{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        const std::string text = "スレッド" + std::to_string(t) + "の" + std::to_string(i) + "番目";
        Result<RedisReply> reply = link.run({"ECHO", text});
        (reply && reply->str == text ? right : wrong)++;
      }
    });
  for (std::thread& thread : threads) thread.join();
  CHECK(right == kThreads * kCalls);
  CHECK(wrong == 0);
  CHECK(link.counters().round_trips == kThreads * kCalls);
  CHECK(link.counters().batches < link.counters().round_trips);  // some calls shared a round trip
  CHECK(link.up());
}

TEST_CASE("redis link: every caller waiting in a batch gets an error at once when Redis dies, none hangs") {
  if (!have_redis()) return;
  auto server = std::make_unique<RedisServer>(unused_port());
  RedisLink link(link_to(server->port(), "a"));
  REQUIRE(link.ping().ok());
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      while (!stop)
        if (!link.run({"INCR", "calls"})) ++failures;
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server->stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  for (std::thread& thread : threads) thread.join();  // a hang fails the test by never ending
  CHECK(failures > 0);
  CHECK_FALSE(link.up());
  CHECK(link.counters().outages == 1);
}

TEST_CASE("forget with [shared]: a comment id is forgotten on every node, a node's row id is refused") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_b(link_to(server.port(), "b"));
  DecidingNode a(&link_a), b(&link_b);
  // Rows 1 to 4 on both nodes, in stream order; comment 1 is row 3, so the
  // number 1 names two different decisions unless read as a comment id.
  REQUIRE(a.channel->record(spam_comment(2, "激安のお薬はこちら")).ok());
  REQUIRE(a.channel->record(spam_comment(50, "今すぐクリックして当選を確認")).ok());
  REQUIRE(b.channel->record(spam_comment(1, "無料のカジノボーナス")).ok());
  REQUIRE(b.channel->record(spam_comment(70, "副業で月収百万円")).ok());
  REQUIRE(a.channel->sync().ok());
  REQUIRE(a.comment_ids() == std::vector<int64_t>{2, 50, 1, 70});
  REQUIRE(b.comment_ids() == std::vector<int64_t>{2, 50, 1, 70});

  auto forgotten = a.channel->forget("1");
  REQUIRE(forgotten.ok());
  CHECK(*forgotten == 1);
  REQUIRE(b.channel->sync().ok());
  CHECK(a.comment_ids() == std::vector<int64_t>{2, 50, 70});  // row 1 (comment 2) stays
  CHECK(b.comment_ids() == std::vector<int64_t>{2, 50, 70});

  // "4" is row 4 (comment 70) here and no decision's comment or submission id.
  auto before = link_a.run({"XLEN", link_a.key("learn:stream")});
  auto row_id = a.channel->forget("4");
  REQUIRE_FALSE(row_id.ok());
  CHECK(row_id.error().find("row id") != std::string::npos);
  CHECK(row_id.error().find("submission id or WordPress comment id") != std::string::npos);
  auto after = link_a.run({"XLEN", link_a.key("learn:stream")});
  REQUIRE(before.ok());
  REQUIRE(after.ok());
  CHECK(after->integer == before->integer);  // nothing published
  REQUIRE(b.channel->sync().ok());
  CHECK(a.comment_ids() == std::vector<int64_t>{2, 50, 70});
  CHECK(b.comment_ids() == std::vector<int64_t>{2, 50, 70});
}

TEST_CASE("spamgate status: every node's lag behind the stream, from the positions the nodes publish") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "web1.example.jp:/run/a.sock")), link_b(link_to(server.port(), "web2"));
  DecidingNode a(&link_a), b(&link_b);
  REQUIRE(publish_node_position(link_b, b.channel->position()).ok());  // b has applied nothing yet
  for (int64_t id = 1; id <= 3; ++id) REQUIRE(a.channel->record(spam_comment(id, "宣伝 " + std::to_string(id))).ok());
  REQUIRE(publish_node_position(link_a, a.channel->position()).ok());
  REQUIRE(link_a.run({"SET", link_a.key("learn:node:intruder\x1b[2J"), "not-a-stream-id"}).ok());

  auto positions = read_node_positions(link_a);
  REQUIRE(positions.ok());
  REQUIRE(positions->size() == 3);
  CHECK(positions->at(0).node == "intruder?[2J");
  CHECK(positions->at(0).malformed);
  CHECK(positions->at(1).node == "web1.example.jp:/run/a.sock");
  CHECK(positions->at(1).position == a.channel->position());
  CHECK(positions->at(2).node == "web2");
  CHECK(positions->at(2).position.empty());
  auto ttl = link_a.run({"TTL", link_a.key("learn:node:web2")});
  REQUIRE(ttl.ok());
  CHECK(ttl->integer > 0);  // a stopped node drops out on its own
  CHECK(ttl->integer <= kNodePositionTtl.count());

  Config config;
  config.shared.redis = "redis://127.0.0.1:" + std::to_string(server.port()) + "/0";
  config.shared.node = "web2";
  config.store.path = b.db();
  std::ostringstream out, err;
  CHECK(print_shared_status(config, out, err) == 0);
  const std::string text = out.str();
  CHECK(text.find("learning stream: applied none, newest " + a.channel->position() + ", 3 behind") != std::string::npos);
  CHECK(text.find("nodes (3 published a position within 30 s)") != std::string::npos);
  CHECK(text.find("  web1.example.jp:/run/a.sock: applied " + a.channel->position() + ", 0 behind\n") != std::string::npos);
  CHECK(text.find("  web2: applied none, 3 behind\n") != std::string::npos);
  CHECK(text.find("  intruder?[2J: malformed position, ignored\n") != std::string::npos);
  CHECK(err.str().empty());
}

TEST_CASE("a node joining the cluster with its own 50 decisions: afterwards every node counts the union") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_b(link_to(server.port(), "b")),
      link_c(link_to(server.port(), "c"));
  // The cluster: comments 1-30 decided at t=1000+id, compacted into the
  // snapshot (so a joining node would have replaced its log with it), and
  // two decisions after the snapshot, one of them on a comment the joining
  // node decided later (the stream's older event must not win on it).
  DecidingNode a(&link_a, 10), b(&link_b, 10);
  std::vector<FeedbackRecord> cluster;
  for (int64_t id = 1; id <= 30; ++id) cluster.push_back(decided("spam", id, 1000 + id, "まとめ売り " + std::to_string(id)));
  REQUIRE(a.channel->record_all(cluster).ok());
  for (int64_t id = 31; id <= 40; ++id) REQUIRE(b.channel->record(decided("ham", id, 1000 + id, "ご感想 " + std::to_string(id))).ok());
  auto compacted = a.channel->compact();
  REQUIRE(compacted.ok());
  REQUIRE(*compacted);
  REQUIRE(a.channel->record(decided("spam", 99, 5000, "スナップショットの後")).ok());
  REQUIRE(a.channel->record(decided("spam", 21, 5000, "スナップショットの後の 21")).ok());

  // Node c ran on its own: 50 decisions on comments 21-70. On 21-25 its
  // decision is newer than the cluster's, on 26-30 older.
  DecidingNode c(nullptr);
  std::vector<FeedbackRecord> own;
  for (int64_t id = 21; id <= 70; ++id)
    own.push_back(decided("ham", id, id <= 25 ? 9000 + id : id <= 30 ? 500 + id : 2000 + id, "自分の判断 " + std::to_string(id)));
  REQUIRE(c.channel->record_all(own).ok());
  REQUIRE(c.decisions().size() == 50);

  c.open(&link_c, 10);  // [shared] configured: c joins
  REQUIRE(c.channel->sync().ok());
  REQUIRE(a.channel->sync().ok());
  REQUIRE(b.channel->sync().ok());
  std::map<int64_t, std::string> expected;
  for (int64_t id = 1; id <= 30; ++id) expected[id] = id >= 21 && id <= 25 ? "ham" : "spam";  // newest wins
  for (int64_t id = 31; id <= 70; ++id) expected[id] = "ham";
  expected[99] = "spam";
  REQUIRE(expected.size() == 71);
  for (DecidingNode* node : {&a, &b, &c}) CHECK(node->decisions() == expected);

  auto rows = a.log->recent(1000);
  REQUIRE(rows.ok());
  CHECK(rows->size() == 30 + 10 + 2 + 45);  // from c: the 45 it had newer or alone, not its 5 older
}

TEST_CASE("merging a history twice adds nothing; a keyless decision is added once") {
  testing::TempDir dir("spamgate-merge");
  auto log = FeedbackLog::open(dir / "spamgate.db");
  REQUIRE(log.ok());
  FeedbackRecord imported = decided("spam", 0, 1234, "件名なしの宣伝");
  imported.comment_id.reset();  // a CLI import: no comment or submission id
  FeedbackRecord keyed = decided("ham", 8, 2000, "ありがとう");
  auto first = (*log)->merge_all({imported, keyed});
  REQUIRE(first.ok());
  CHECK(first->size() == 2);
  auto second = (*log)->merge_all({imported, keyed, decided("spam", 8, 1999, "古い判断")});
  REQUIRE(second.ok());
  CHECK(second->empty());
  auto newer = (*log)->merge_all({decided("spam", 8, 2001, "新しい判断")});
  REQUIRE(newer.ok());
  REQUIRE(newer->size() == 1);
  CHECK(newer->front().body == "新しい判断");
  auto labels = (*log)->labels();
  REQUIRE(labels.ok());
  REQUIRE(labels->size() == 2);
  CHECK(labels->back().decision == "spam");
}

}  // namespace spamgate

namespace spamgate {
namespace {

// When the erasures below happen (the erasing node's clock).
constexpr int64_t kErasedAt = 1'800'000'000;
const std::string kHanako = "hanako@example.jp";  // the person who asks to be erased
const std::string kHanakoSpam =
    "今なら無料でギフト券がもらえます！詳しくはこちらのサイトをご覧ください http://gift.example/ja 先着100名様限定です";
const std::string kHanakoVariant =
    "今だけ無料でギフト券がもらえます！詳しくはこのサイトをご覧下さい https://gift.example/jp2 先着500名様限定です";
const std::string kJiroSpam =
    "副業で月収百万円を達成する方法を無料で公開中です。登録はこちらから http://side-job.example/start 今すぐどうぞ";

FeedbackRecord decided_by(const std::string& author, const std::string& email, const std::string& verdict,
                          int64_t comment_id, int64_t created_at, const std::string& body) {
  FeedbackRecord f = decided(verdict, comment_id, created_at, body);
  f.author = author;
  f.email = email;
  return f;
}

// A blocked comment as a node's log stores it: `n` names it, `email` wrote it.
SubmissionRecord blocked_comment(int n, const std::string& author, const std::string& email, int64_t created_at,
                                 const std::string& body) {
  Submission s;
  s.kind = SubmissionKind::comment;
  s.author = author;
  s.email = email;
  s.body = body;
  s.ip = "192.0.2.7";
  s.endpoint = "/wp-comments-post.php";
  Verdict v;
  v.action = Action::reject;
  v.score = 12;
  v.hits = {{"PHARMA", 12, "「ギフト券」"}};
  char id[17];
  std::snprintf(id, sizeof id, "%016x", n);
  return make_submission_record(id, s, v, TimePoint{std::chrono::seconds(created_at)});
}

// One node with everything an erasure reaches: its decisions with the
// learner's model and FUZZY's examples, its blocked submissions, and the
// site's review mirror; `redis` null while it runs alone.
struct ErasingNode {
  testing::TempDir dir{"spamgate-erasure"};
  ManualClock clock{TimePoint{std::chrono::seconds(kErasedAt)}};
  std::unique_ptr<FeedbackLog> log;
  std::unique_ptr<Learner> learner;
  std::unique_ptr<FuzzyMemory> fuzzy;  // in memory: a new one at each start
  std::unique_ptr<SubmissionLog> submissions;
  std::unique_ptr<ReviewMirror> mirror;
  std::unique_ptr<FeedbackChannel> channel;

  explicit ErasingNode(RedisLink* redis) {
    auto opened = FeedbackLog::open(db());
    REQUIRE(opened.ok());
    log = std::move(*opened);
    learner = std::make_unique<Learner>(*log, 1);
    auto submission_log = SubmissionLog::open(db(), {}, clock);
    REQUIRE(submission_log.ok());
    submissions = std::move(*submission_log);
    join(redis);
  }
  // As serve builds it: the channel (which catches up, or joins, at once),
  // FUZZY seeded from the decisions in effect, then the submissions
  // attached, the mirror fed from them.
  void join(RedisLink* redis) {
    channel.reset();
    auto opened = FeedbackChannel::open(db(), *log, redis, learner.get(), 2, &clock);
    REQUIRE(opened.ok());
    channel = std::move(*opened);
    if (redis) REQUIRE(channel->sync().ok());
    fuzzy = std::make_unique<FuzzyMemory>(100, 0.5);
    auto labels = log->labels();
    REQUIRE(labels.ok());
    seed_fuzzy(*fuzzy, *labels);
    channel->teach_fuzzy_too(*fuzzy);
    if (redis) {
      mirror = std::make_unique<ReviewMirror>(*redis, ReviewMirrorOptions{.retention_days = 30});
      mirror->copy_own_rows_from([this](int64_t since) { return submissions->with_text_since(since); });
      REQUIRE(mirror->push(unix_seconds(clock.now())).ok());
    }
    channel->erase_submissions_too(*submissions);
  }
  std::string db() const { return dir / "spamgate.db"; }
  void block(const SubmissionRecord& row) {
    REQUIRE(submissions->record(row));
    REQUIRE(submissions->flush().ok());
  }
  std::map<int64_t, std::string> decisions() { return decisions_by_comment(*log); }
  size_t decisions_about(const std::string& email) {
    auto rows = log->by_email(email, 100);
    REQUIRE(rows.ok());
    return rows->size();
  }
  size_t submissions_from(const std::string& email) {
    auto rows = submissions->by_email(email, 100);
    REQUIRE(rows.ok());
    return rows->size();
  }
  bool fuzzy_knows(const std::string& body) {
    Submission s;
    s.body = body;
    return fuzzy->match(s).has_value();
  }
};

// Every value under the site's prefix as text (strings, hashes, sets,
// sorted sets, stream entries), to look for an address in clear.
std::string every_redis_value(RedisLink& link) {
  auto keys = link.run({"KEYS", link.key("*")});
  REQUIRE(keys.ok());
  std::string all;
  for (const RedisReply& key : keys->elements) {
    all += key.str + "\n";
    auto type = link.run({"TYPE", key.str});
    REQUIRE(type.ok());
    std::vector<std::string> read;
    if (type->str == "string") read = {"GET", key.str};
    else if (type->str == "hash") read = {"HGETALL", key.str};
    else if (type->str == "set") read = {"SMEMBERS", key.str};
    else if (type->str == "zset") read = {"ZRANGE", key.str, "0", "-1"};
    else if (type->str == "stream") read = {"XRANGE", key.str, "-", "+"};
    if (read.empty()) continue;
    auto value = link.run(read);
    REQUIRE(value.ok());
    const auto flatten = [&all](const RedisReply& reply, const auto& self) -> void {
      all += reply.str + "\n";
      for (const RedisReply& element : reply.elements) self(element, self);
    };
    flatten(*value, flatten);
  }
  return all;
}

}  // namespace

TEST_CASE("an erased address stays erased when a node joins later with a history that holds it") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_b(link_to(server.port(), "b")),
      link_c(link_to(server.port(), "c"));
  ErasingNode a(&link_a), b(&link_b);
  // The cluster decided on Hanako's comment and Jiro's; Hanako's blocked
  // comment is in the site's review mirror.
  REQUIRE(a.channel->record(decided_by("山田 花子", kHanako, "spam", 1, 1700000001, kHanakoSpam)).ok());
  REQUIRE(b.channel->record(decided_by("佐藤 次郎", "jiro@example.jp", "spam", 2, 1700000002, kJiroSpam)).ok());
  a.mirror->offer({blocked_comment(1, "山田 花子", kHanako, kErasedAt - 7200, kHanakoSpam)});
  REQUIRE(a.mirror->push(kErasedAt).ok());

  // Node c runs on its own meanwhile, with Hanako's and others' comments
  // decided and blocked, all from before the erasure.
  ErasingNode c(nullptr);
  REQUIRE(c.channel->record_all({decided_by("山田 花子", kHanako, "spam", 1, 1700000100, kHanakoSpam),
                                 decided_by("山田 花子", "Hanako@Example.JP", "ham", 10, 1700000110, "素敵な記事でした"),
                                 decided_by("佐藤 次郎", "jiro@example.jp", "spam", 11, 1700000111, kJiroSpam),
                                 decided_by("鈴木 一郎", "ichiro@example.jp", "ham", 12, 1700000112, "参考になりました")})
              .ok());
  c.block(blocked_comment(2, "山田 花子", kHanako, kErasedAt - 3600, kHanakoSpam));
  c.block(blocked_comment(3, "佐藤 次郎", "jiro@example.jp", kErasedAt - 3500, kJiroSpam));
  REQUIRE(c.fuzzy_knows(kHanakoVariant));  // the checks below can fail

  // Hanako asks to be erased, on node a; then more decisions, and the
  // leader compacts the stream: the erasure's event is trimmed away.
  REQUIRE(a.channel->forget_email(kHanako).ok());
  REQUIRE(a.mirror->erase_email(kHanako).ok());
  REQUIRE(b.channel->sync().ok());
  REQUIRE(a.channel->record(decided_by("鈴木 一郎", "ichiro@example.jp", "ham", 5, 1700000005, "ありがとうございます")).ok());
  auto compacted = a.channel->compact();
  REQUIRE(compacted.ok());
  REQUIRE(*compacted);
  REQUIRE(every_redis_value(link_a).find("forget_email") == std::string::npos);

  // Node c joins ([shared] configured, restarted as serve would).
  c.join(&link_c);
  REQUIRE(a.channel->sync().ok());
  REQUIRE(b.channel->sync().ok());
  REQUIRE(c.channel->sync().ok());

  const std::map<int64_t, std::string> expected = {{2, "spam"}, {5, "ham"}, {11, "spam"}, {12, "ham"}};
  for (ErasingNode* node : {&a, &b, &c}) {
    REQUIRE(node->learner->settle().ok());  // the model exactly as the log stands
    CHECK(node->decisions() == expected);
    CHECK(node->decisions_about(kHanako) == 0);
    CHECK(node->decisions_about("jiro@example.jp") == 2);
    CHECK(node->learner->current()->counts().spam == 2);
    CHECK(node->learner->current()->counts().ham == 2);
    CHECK_FALSE(node->fuzzy_knows(kHanakoVariant));
    CHECK(node->fuzzy_knows(kJiroSpam));
  }
  CHECK(c.submissions_from(kHanako) == 0);
  CHECK(c.submissions_from("jiro@example.jp") == 1);
  // The mirror refused c's copy of Hanako's blocked comment; Jiro's is there.
  CHECK(c.mirror->erased() == 1);
  auto site_rows = b.mirror->by_email(kHanako, 10);
  REQUIRE(site_rows.ok());
  CHECK(site_rows->empty());
  site_rows = b.mirror->by_email("jiro@example.jp", 10);
  REQUIRE(site_rows.ok());
  CHECK(site_rows->size() == 1);
  // Redis holds the erasure by digest only.
  const std::string redis_values = every_redis_value(link_a);
  CHECK(redis_values.find("hanako") == std::string::npos);
  CHECK(redis_values.find("Hanako") == std::string::npos);
  CHECK(redis_values.find("山田") == std::string::npos);
  auto erasures = read_erasures(link_b);
  REQUIRE(erasures.ok());
  CHECK(erasures->times.size() == 1);
  CHECK(erased_since(erasures->times, email_digest(kHanako), kErasedAt));
  CHECK_FALSE(erased_since(erasures->times, email_digest(kHanako), kErasedAt + 1));
}

TEST_CASE("an erasure covers what was made before it: a later comment and decision of the same address stay") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_c(link_to(server.port(), "c"));
  ErasingNode a(&link_a);
  REQUIRE(a.channel->forget_email(kHanako).ok());

  // Node c, alone, holds Hanako's data from before the erasure and after it
  // (she commented again a day later).
  ErasingNode c(nullptr);
  REQUIRE(c.channel->record_all({decided_by("山田 花子", kHanako, "spam", 1, kErasedAt - 10, kHanakoSpam),
                                 decided_by("山田 花子", kHanako, "ham", 2, kErasedAt + 86400, "また来ました")})
              .ok());
  c.clock.set(TimePoint{std::chrono::seconds(kErasedAt + 86400)});
  c.block(blocked_comment(1, "山田 花子", kHanako, kErasedAt - 10, kHanakoSpam));
  c.block(blocked_comment(2, "山田 花子", kHanako, kErasedAt + 86300, "今日もギフト券を配っています。こちらをご覧ください"));
  c.join(&link_c);
  REQUIRE(a.channel->sync().ok());

  const std::map<int64_t, std::string> expected = {{2, "ham"}};
  CHECK(a.decisions() == expected);
  CHECK(c.decisions() == expected);
  CHECK(c.submissions_from(kHanako) == 1);
  CHECK(c.mirror->erased() == 1);
  auto site_rows = a.mirror->by_email(kHanako, 10);
  REQUIRE(site_rows.ok());
  REQUIRE(site_rows->size() == 1);
  CHECK(site_rows->front().created_at == kErasedAt + 86300);
}

TEST_CASE("a joining node's decision that the cluster overruled is no FUZZY example; one that won is") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_c(link_to(server.port(), "c"));
  ErasingNode a(&link_a);
  // The cluster's owner took back a spam mark on Jiro's comment 30 (it was
  // an advert they had asked for).
  REQUIRE(a.channel->record(decided_by("佐藤 次郎", "jiro@example.jp", "ham", 30, 1700000200, kJiroSpam)).ok());

  // Node c, alone, marked the same comment spam earlier, and Hanako's 31.
  ErasingNode c(nullptr);
  REQUIRE(c.channel->record_all({decided_by("佐藤 次郎", "jiro@example.jp", "spam", 30, 1700000100, kJiroSpam),
                                 decided_by("山田 花子", kHanako, "spam", 31, 1700000150, kHanakoSpam)})
              .ok());
  c.join(&link_c);
  REQUIRE(a.channel->sync().ok());

  const std::map<int64_t, std::string> expected = {{30, "ham"}, {31, "spam"}};
  CHECK(a.decisions() == expected);
  CHECK(c.decisions() == expected);
  CHECK(a.fuzzy_knows(kHanakoVariant));  // the merge's winner is an example
  CHECK_FALSE(a.fuzzy_knows(kJiroSpam));  // the overruled spam mark is not
  CHECK_FALSE(c.fuzzy_knows(kJiroSpam));
}

TEST_CASE("a node that was away while an address was erased and compacted away erases its copies when it catches up") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_b(link_to(server.port(), "b"));
  ErasingNode a(&link_a), b(&link_b);
  REQUIRE(a.channel->record(decided_by("山田 花子", kHanako, "spam", 1, 1700000001, kHanakoSpam)).ok());
  REQUIRE(a.channel->record(decided_by("佐藤 次郎", "jiro@example.jp", "spam", 2, 1700000002, kJiroSpam)).ok());
  REQUIRE(b.channel->sync().ok());
  b.block(blocked_comment(1, "山田 花子", kHanako, kErasedAt - 600, kHanakoSpam));
  REQUIRE(b.fuzzy_knows(kHanakoVariant));  // the checks below can fail
  REQUIRE(b.submissions_from(kHanako) == 1);

  // Node b hears nothing while Hanako is erased and the stream compacted past the erasure.
  REQUIRE(a.channel->forget_email(kHanako).ok());
  REQUIRE(a.channel->record(decided_by("鈴木 一郎", "ichiro@example.jp", "ham", 3, 1700000003, "ありがとうございます")).ok());
  auto compacted = a.channel->compact();
  REQUIRE(compacted.ok());
  REQUIRE(*compacted);
  REQUIRE(every_redis_value(link_a).find("forget_email") == std::string::npos);

  REQUIRE(b.channel->sync().ok());  // behind the snapshot: loads it
  REQUIRE(b.learner->settle().ok());
  CHECK(b.decisions() == std::map<int64_t, std::string>{{2, "spam"}, {3, "ham"}});
  CHECK(b.decisions_about(kHanako) == 0);
  CHECK(b.submissions_from(kHanako) == 0);
  CHECK_FALSE(b.fuzzy_knows(kHanakoVariant));
  CHECK(b.fuzzy_knows(kJiroSpam));
  CHECK(b.learner->current()->counts().spam == 1);
  CHECK(b.learner->current()->counts().ham == 1);
}

TEST_CASE("decisions kept while Redis was away, from before an erasure, never reach Redis; the others kept with them do") {
  if (!have_redis()) return;
  const int port = unused_port();
  auto server = std::make_unique<RedisServer>(port);
  RedisLink link_a(link_to(port, "a")), link_b(link_to(port, "b"));
  ErasingNode a(&link_a), b(&link_b);
  server->stop();
  // Node b, cut off, takes decisions on Hanako's comments and Jiro's: kept to publish later.
  REQUIRE(b.channel->record(decided_by("山田 花子", kHanako, "spam", 7, kErasedAt - 60, kHanakoSpam)).ok());
  REQUIRE(b.channel->record_all({decided_by("山田 花子", kHanako, "ham", 8, kErasedAt - 50, "素敵な記事でした"),
                                 decided_by("佐藤 次郎", "jiro@example.jp", "spam", 9, kErasedAt - 40, kJiroSpam)})
              .ok());
  server = std::make_unique<RedisServer>(port);
  for (RedisLink* link : {&link_a, &link_b})
    REQUIRE(testing::eventually([link] { return link->run({"PING"}).ok(); }));  // past the links' backoff
  // Hanako is erased on node a before b is back in touch.
  REQUIRE(a.channel->forget_email(kHanako).ok());
  REQUIRE(b.channel->sync().ok());  // publishes what is left of the kept decisions, then applies the erasure
  CHECK(every_redis_value(link_a).find("hanako") == std::string::npos);
  CHECK(every_redis_value(link_a).find("山田") == std::string::npos);
  // Back in touch but not yet caught up, b records one more decision on
  // Hanako's old comment: checked against the site's erasures, not published.
  auto late = b.channel->record(decided_by("山田 花子", kHanako, "spam", 10, kErasedAt - 30, kHanakoSpam));
  REQUIRE(late.ok());
  CHECK(*late == 0);
  CHECK(every_redis_value(link_a).find("hanako") == std::string::npos);
  REQUIRE(a.channel->sync().ok());
  const std::map<int64_t, std::string> expected = {{9, "spam"}};
  CHECK(a.decisions() == expected);
  CHECK(b.decisions() == expected);
  CHECK(a.decisions_about(kHanako) == 0);
  CHECK(b.decisions_about(kHanako) == 0);
  CHECK(b.channel->erased_decisions_dropped() == 3);
  CHECK_FALSE(a.fuzzy_knows(kHanakoVariant));
  CHECK_FALSE(b.fuzzy_knows(kHanakoVariant));
  CHECK(a.fuzzy_knows(kJiroSpam));
}

TEST_CASE("erasing an address keeps the other decisions of the entries that held it: a node behind gets them, none is applied twice") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_b(link_to(server.port(), "b")),
      link_c(link_to(server.port(), "c"));
  ErasingNode a(&link_a), b(&link_b), c(&link_c);  // b applies nothing until the end
  REQUIRE(a.channel->record_all({decided_by("山田 花子", kHanako, "spam", 1, 1700000001, kHanakoSpam),
                                 decided_by("佐藤 次郎", "jiro@example.jp", "spam", 2, 1700000002, kJiroSpam),
                                 decided_by("鈴木 一郎", "ichiro@example.jp", "ham", 3, 1700000003, "参考になりました")})
              .ok());
  REQUIRE(a.channel->record(decided_by("鈴木 一郎", "ichiro@example.jp", "ham", 4, 1700000004, "ありがとうございます")).ok());
  REQUIRE(c.channel->sync().ok());  // c has applied all of it
  REQUIRE(c.fuzzy_knows(kHanakoVariant));  // the checks below can fail
  REQUIRE(a.channel->forget_email(kHanako).ok());
  REQUIRE(a.channel->record(decided_by("佐藤 次郎", "jiro@example.jp", "ham", 5, 1700000005, "ご案内ありがとう")).ok());
  for (ErasingNode* node : {&a, &b, &c}) REQUIRE(node->channel->sync().ok());

  const std::map<int64_t, std::string> expected = {{2, "spam"}, {3, "ham"}, {4, "ham"}, {5, "ham"}};
  for (ErasingNode* node : {&a, &b, &c}) {
    REQUIRE(node->learner->settle().ok());
    CHECK(node->decisions() == expected);
    CHECK(node->decisions_about(kHanako) == 0);
    auto rows = node->log->recent(100);
    REQUIRE(rows.ok());
    std::string ids;
    for (const FeedbackRecord& row : *rows) ids += std::to_string(row.comment_id.value_or(-1)) + " ";
    CHECK(ids == "5 4 3 2 ");  // none applied twice
    CHECK(node->learner->current()->counts().spam == 1);
    CHECK(node->learner->current()->counts().ham == 3);
    CHECK_FALSE(node->fuzzy_knows(kHanakoVariant));
    CHECK(node->fuzzy_knows(kJiroSpam));
  }
  const std::string redis_values = every_redis_value(link_a);
  CHECK(redis_values.find("hanako") == std::string::npos);
  CHECK(redis_values.find("山田") == std::string::npos);
  CHECK(redis_values.find("jiro@example.jp") != std::string::npos);  // what is not erased is still there
}

TEST_CASE("an erasure forgets the address's FUZZY examples made before it, not those made after") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_b(link_to(server.port(), "b"));
  ErasingNode a(&link_a), b(&link_b);
  REQUIRE(a.channel->record(decided_by("山田 花子", kHanako, "spam", 1, kErasedAt - 600, kHanakoSpam)).ok());
  REQUIRE(b.channel->sync().ok());
  REQUIRE(b.fuzzy_knows(kHanakoVariant));
  // Node b, slow to hear of the erasure, rejects Hanako's new comment an hour after it.
  const std::string later = "本日限りの特別セールを開催しています。会員登録はこちらのリンクから http://sale.example/today お早めに";
  Submission comment;
  comment.author = "山田 花子";
  comment.email = "Hanako@Example.jp";
  comment.body = later;
  REQUIRE(b.fuzzy->add_spam("00000000000000ff", comment, false, kErasedAt + 3600));
  REQUIRE(b.fuzzy_knows(later));

  REQUIRE(a.channel->forget_email(kHanako).ok());
  REQUIRE(b.channel->sync().ok());
  CHECK_FALSE(b.fuzzy_knows(kHanakoVariant));
  CHECK(b.fuzzy_knows(later));
  CHECK_FALSE(a.fuzzy_knows(kHanakoVariant));
}

}  // namespace spamgate

namespace spamgate {

TEST_CASE("the site's erasures read back from Redis: what is not a digest and a time is skipped and counted") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link(link_to(server.port(), "a"));
  const std::string digest = email_digest("hanako@example.jp");
  REQUIRE(record_erasure(link, digest, 1800000000).ok());
  REQUIRE(record_erasure(link, digest, 1700000000).ok());  // an older time never replaces a newer one
  CHECK_FALSE(record_erasure(link, "hanako@example.jp", 1800000000).ok());  // never the address itself
  const std::string key = erased_addresses_key(link);
  REQUIRE(link.run({"ZADD", key, "5", "山田@example.jp"}).ok());
  REQUIRE(link.run({"ZADD", key, "+inf", email_digest("jiro@example.jp")}).ok());
  REQUIRE(link.run({"ZADD", key, "1.5", email_digest("ichiro@example.jp")}).ok());
  auto read = read_erasures(link);
  REQUIRE(read.ok());
  CHECK(read->malformed == 3);
  REQUIRE(read->times.size() == 1);
  CHECK(read->times.at(digest) == 1800000000);
  CHECK(erased_since(read->times, digest, 1800000000));
  CHECK_FALSE(erased_since(read->times, digest, 1800000001));
  CHECK_FALSE(erased_since(read->times, email_digest("jiro@example.jp"), 0));

  // A node applying the stream counts them too, and goes on.
  DecidingNode node(&link);
  REQUIRE(node.channel->sync().ok());
  CHECK(node.channel->erasures_malformed() == 3);
  REQUIRE(link.run({"SET", key, "not a sorted set"}).ok());
  CHECK_FALSE(read_erasures(link).ok());  // Redis's own error, not a crash
}

}  // namespace spamgate
