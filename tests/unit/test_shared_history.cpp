// SharedHistory against a real redis-server (Debian's, on a free loopback
// port; skipped when it is not installed): two "nodes" in one process. What
// a node records without waiting (spam the rules already reject) reaches
// the other node once its queue is flushed; Redis down never makes a
// request wait; a malformed answer from Redis is counted and skipped.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "scoring/scorer.h"
#include "shared/history_script.h"
#include "shared/history_write_queue.h"
#include "shared/shared_history.h"
#include "store/stored_history.h"
#include "support/comment.h"
#include "support/redis_test_server.h"
#include "support/temp_dir.h"
#include "support/time_at.h"

namespace spamgate {
namespace {

using testing::at;
using testing::eventually;
using testing::have_redis;
using testing::link_to;
using testing::RedisServer;
using testing::unused_port;


HistoryQuestions rate_question(std::string_view ip, double burst) {
  HistoryQuestions questions;
  questions.rate = {ip, 1, burst};
  return questions;
}

HistoryQuestions body_question(uint64_t hash) {
  HistoryQuestions questions;
  questions.duplicate = {hash, 3600};
  return questions;
}

// Two nodes, each with its own link and local history, on one Redis.
struct TwoNodes {
  RedisServer server{unused_port()};
  RedisLink link_a{link_to(server.port(), "a")}, link_b{link_to(server.port(), "b")};
  StoredHistory local_a, local_b;
  SharedHistory a{link_a, local_a}, b{link_b, local_b};
};

}  // namespace

TEST_CASE("shared history: what a node records without waiting counts on the other node once flushed") {
  if (!have_redis()) return;
  TwoNodes nodes;
  // Node a records six posts from one address (a bucket of 6) without waiting.
  for (int i = 0; i < 6; ++i) CHECK_FALSE(nodes.a.record(rate_question("203.0.113.9", 6), at(1000 + i * 0.01)).rate_limited);
  // Its own view answers at once: the seventh is over a's own bucket too.
  CHECK(nodes.a.record(rate_question("203.0.113.9", 6), at(1000.07)).rate_limited);
  CHECK_FALSE(nodes.a.record(body_question(0xfeedULL), at(1000.08)).duplicate);
  nodes.a.flush_writes();
  CHECK(nodes.a.write_counters().queued == 8);
  CHECK(nodes.a.write_counters().dropped == 0);
  CHECK(nodes.a.write_counters().calls >= 1);
  CHECK(nodes.a.write_counters().calls <= 8);

  // Node b asks (and waits): the address is over its rate, the body a duplicate.
  CHECK_FALSE(nodes.b.take_rate_token("203.0.113.9", 1, 6, at(1000.1)));
  CHECK(nodes.b.take_rate_token("203.0.113.10", 1, 6, at(1000.1)));  // another address has its own bucket
  CHECK(nodes.b.seen_recently(0xfeedULL, 3600, at(1001)));
  CHECK(nodes.b.malformed() == 0);
}

TEST_CASE("shared history: spam rejected on node a without waiting puts its address over the rate on node b") {
  if (!have_redis()) return;
  TwoNodes nodes;
  testing::TempDir dir;
  auto load = load_rules({dir.write("site.rules", "body CASINO /カジノ/\nscore CASINO 10\n")});
  REQUIRE(load.rules);
  ChecksConfig config;
  config.rate_per_minute = 1;
  config.rate_burst = 2;
  const Submission spam = testing::comment("オンラインカジノ、登録ボーナスあり");
  CheckContext on_a{config, "", &nodes.a, at(5000)};
  for (int i = 0; i < 2; ++i) CHECK(Scorer{}.score(*load.rules, spam, on_a).action == Action::reject);
  CHECK(nodes.a.write_counters().queued == 2);  // neither waited
  nodes.a.flush_writes();

  // Ham from the same address on node b waits for the site's answer.
  CheckContext on_b{config, "", &nodes.b, at(5001)};
  const Verdict ham = Scorer{}.score(*load.rules, testing::comment("記事を読んで勉強になりました。"), on_b);
  CHECK(ham.rule_names() == "RATE_IP");
  CHECK(nodes.b.write_counters().queued == 0);
}

TEST_CASE("shared history: with Redis down, recording never waits and its writes are dropped and counted") {
  if (!have_redis()) return;
  TwoNodes nodes;
  REQUIRE(nodes.link_a.ping().ok());
  nodes.server.stop();
  CHECK_FALSE(nodes.link_a.ping().ok());  // down now: calls fail at once
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) nodes.a.record(body_question(0xabcULL + i), at(2000 + i));
  nodes.a.flush_writes();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));  // no hang
  CHECK(nodes.a.write_counters().dropped == 50);
  // The node's own history kept every write.
  CHECK(nodes.a.record(body_question(0xabcULL), at(2100)).duplicate);
}

TEST_CASE("shared history: a key holding something else is counted as malformed and skipped; the rest lands") {
  if (!have_redis()) return;
  TwoNodes nodes;
  // A body key holding no time, and a rate bucket that is a string, not a hash.
  REQUIRE(nodes.link_a.run({"SET", nodes.link_a.key("dup:000000000000beef"), "intruder"}).ok());
  REQUIRE(nodes.link_a.run({"SET", nodes.link_a.key("rate:198.51.100.1"), "[2J"}).ok());

  SUBCASE("waiting: the node's own answer is used") {
    CHECK_FALSE(nodes.a.seen_recently(0xbeefULL, 3600, at(3000)));
    CHECK(nodes.a.take_rate_token("198.51.100.1", 1, 6, at(3000)));
    CHECK(nodes.a.malformed() == 2);
  }
  SUBCASE("not waiting: the bad entries are skipped, the good ones in the same call land") {
    nodes.a.record(body_question(0xbeefULL), at(3000));
    nodes.a.record(rate_question("198.51.100.1", 6), at(3000));
    nodes.a.record(body_question(0xcafeULL), at(3000));
    nodes.a.flush_writes();
    CHECK(nodes.a.malformed() == 2);
    CHECK(nodes.a.write_counters().dropped == 0);
    CHECK(nodes.b.seen_recently(0xcafeULL, 3600, at(3001)));
  }
  CHECK(nodes.link_a.up());  // junk in a key is not an outage
}

// A queue whose calls stay open far longer than any test takes: what it
// sends before a flush or its end, it sends because a call filled.
constexpr auto kLongLinger = std::chrono::seconds(600);

TEST_CASE("history write queue: the writes queued while a call is open go in one call; flush sends it at once") {
  if (!have_redis()) return;
  TwoNodes nodes;
  HistoryWriteQueue queue(nodes.link_a, 10000, 256, kLongLinger);
  for (int i = 0; i < 40; ++i)
    REQUIRE(queue.push(history_script_entry(nodes.link_a, rate_question("203.0.113.40", 30), at(4000 + i * 0.001), 0)));
  CHECK(queue.counters().calls == 0);  // still open
  queue.flush();
  CHECK(queue.counters().calls == 1);
  CHECK(queue.counters().queued == 40);
  CHECK(queue.counters().dropped == 0);
  // The 40 writes took a bucket of 30 from the site: the other node is refused.
  CHECK_FALSE(nodes.b.take_rate_token("203.0.113.40", 1, 30, at(4001)));
}

TEST_CASE("history write queue: a full call goes without waiting for its linger") {
  if (!have_redis()) return;
  TwoNodes nodes;
  HistoryWriteQueue queue(nodes.link_a, 10000, 4, kLongLinger);
  for (int i = 0; i < 9; ++i)
    REQUIRE(queue.push(history_script_entry(nodes.link_a, body_question(0x5000ULL + i), at(4100), 0)));
  // Two calls of four are full and sent; the ninth write waits in the open third.
  CHECK(eventually([&] { return queue.counters().calls == 2; }));
  CHECK(nodes.b.seen_recently(0x5000ULL, 3600, at(4101)));
  CHECK_FALSE(nodes.b.seen_recently(0x5008ULL, 3600, at(4101)));
  queue.flush();
  CHECK(queue.counters().calls == 3);
}

TEST_CASE("history write queue: a write is sent once its linger is over, and what waits is sent when the queue stops") {
  if (!have_redis()) return;
  TwoNodes nodes;
  SUBCASE("no flush: the linger ends and the call goes") {
    HistoryWriteQueue queue(nodes.link_a, 10000, 256, std::chrono::milliseconds(20));
    REQUIRE(queue.push(history_script_entry(nodes.link_a, body_question(0x6001ULL), at(4200), 0)));
    CHECK(eventually([&] { return queue.counters().calls == 1; }));
  }
  SUBCASE("stopped during its linger: the open call is sent before the thread ends") {
    {
      HistoryWriteQueue queue(nodes.link_a, 10000, 256, kLongLinger);
      REQUIRE(queue.push(history_script_entry(nodes.link_a, body_question(0x6001ULL), at(4200), 0)));
    }
  }
  CHECK(nodes.b.seen_recently(0x6001ULL, 3600, at(4201)));
}

TEST_CASE("history script replies: the wrong shape or values out of range are malformed, never read") {
  RedisReply reply;
  reply.type = RedisReply::Type::array;
  CHECK(history_script_answer(reply, 0).malformed);  // empty
  RedisReply one;
  one.type = RedisReply::Type::integer;
  one.integer = 1;
  reply.elements = {one, one};
  CHECK_FALSE(history_script_answer(reply, 0).malformed);
  CHECK(history_script_answer(reply, 0).answers.duplicate);
  CHECK_FALSE(history_script_answer(reply, 0).answers.rate_limited);
  CHECK(history_script_answer(reply, 1).malformed);  // no second entry
  reply.elements[0].integer = 7;
  CHECK(history_script_answer(reply, 0).malformed);
  reply.elements[0].type = RedisReply::Type::string;
  reply.elements[0].str = "1";
  CHECK(history_script_answer(reply, 0).malformed);
  RedisReply status;
  status.type = RedisReply::Type::status;
  status.str = "OK";
  CHECK(history_script_answer(status, 0).malformed);
}

}  // namespace spamgate
