// A cluster's nodes on a real redis-server (Debian's, on a free loopback
// port; skipped when it is not installed): commands issued at the same time
// by many request threads share one pipeline and each gets its own reply;
// forgetting a decision names it by a key every node shares.
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
#include "shared/node_positions.h"
#include "shared/shared_status.h"
#include "store/feedback_log.h"
#include "support/redis_test_server.h"
#include "support/temp_dir.h"

namespace spamgate {
namespace {

using testing::have_redis;
using testing::link_to;
using testing::RedisServer;
using testing::unused_port;

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
  std::map<int64_t, std::string> decisions() {
    auto rows = log->labels();
    REQUIRE(rows.ok());
    std::map<int64_t, std::string> out;
    for (const FeedbackRecord& row : *rows) out[row.comment_id.value_or(-1)] = row.decision;
    return out;
  }
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
  CHECK(*first == 2);
  auto second = (*log)->merge_all({imported, keyed, decided("spam", 8, 1999, "古い判断")});
  REQUIRE(second.ok());
  CHECK(*second == 0);
  auto newer = (*log)->merge_all({decided("spam", 8, 2001, "新しい判断")});
  REQUIRE(newer.ok());
  CHECK(*newer == 1);
  auto labels = (*log)->labels();
  REQUIRE(labels.ok());
  REQUIRE(labels->size() == 2);
  CHECK(labels->back().decision == "spam");
}

}  // namespace spamgate
